// Per-client connection accounting (see client_limiter.hpp).
#include "client_limiter.hpp"

namespace postern::server {

ClientLimiter::Verdict ClientLimiter::admit(const std::string& addr, Clock::time_point now) {
    auto it = clients_.find(addr);
    if (it == clients_.end()) {
        if (clients_.size() >= kMaxClients) purge(now);
        if (clients_.size() >= kMaxClients) return Verdict::Ok;  // untracked: release() finds nothing
        it = clients_.emplace(addr, Entry{0, 0, now}).first;
    }
    Entry& e = it->second;
    if (now - e.window_start >= window_) {
        e.window_start = now;
        e.recent = 0;
    }
    if (count_limit_ != 0 && e.active >= count_limit_) return Verdict::TooManyConnections;
    if (rate_limit_ != 0 && e.recent >= rate_limit_) return Verdict::TooFast;
    ++e.active;
    ++e.recent;
    return Verdict::Ok;
}

void ClientLimiter::release(const std::string& addr) {
    auto it = clients_.find(addr);
    if (it == clients_.end() || it->second.active == 0) return;
    --it->second.active;
    if (it->second.active == 0 && rate_limit_ == 0) clients_.erase(it);
}

void ClientLimiter::purge(Clock::time_point now) {
    for (auto it = clients_.begin(); it != clients_.end();) {
        if (it->second.active == 0 && now - it->second.window_start >= window_) it = clients_.erase(it);
        else ++it;
    }
}

}  // namespace postern::server
