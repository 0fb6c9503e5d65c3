// The dead-destination cache (see the header).
#include "qmgr_dead.hpp"

#include <vector>

#include "lib/base/log.hpp"

namespace postern::qmgr {

void DeadDestinations::load() {
    auto entries = queue::read_host_status(queue_);
    if (!entries) {
        log::warn("cannot read %s: %s", queue::host_status_path(queue_).c_str(), entries.error().message.c_str());
        return;
    }
    entries_.clear();
    for (auto& e : *entries) entries_[{e.transport, e.destination}] = std::move(e);
}

const queue::HostStatus* DeadDestinations::find(const std::string& transport, const std::string& destination,
                                                std::time_t now) {
    auto it = entries_.find({transport, destination});
    if (it == entries_.end()) return nullptr;
    if (it->second.retry_at > now) return &it->second;
    entries_.erase(it);
    save();
    return nullptr;
}

void DeadDestinations::add(const std::string& transport, const std::string& destination, std::time_t now,
                           std::time_t retry_at, std::string reason) {
    log::warn("%s:%s: destination dead, its mail is deferred without delivery attempts for %llds: %s",
              transport.c_str(), log::printable(destination).c_str(), static_cast<long long>(retry_at - now),
              log::printable(reason, 512).c_str());
    entries_[{transport, destination}] = queue::HostStatus{transport, destination, now, retry_at, std::move(reason)};
    save();
}

void DeadDestinations::revive_all() {
    if (entries_.empty()) return;
    entries_.clear();
    save();
}

void DeadDestinations::expire(std::time_t now) {
    auto before = entries_.size();
    std::erase_if(entries_, [now](const auto& kv) { return kv.second.retry_at <= now; });
    if (entries_.size() != before) save();
}

void DeadDestinations::save() {
    std::vector<queue::HostStatus> all;
    for (const auto& [key, e] : entries_) all.push_back(e);
    if (auto st = queue::write_host_status(queue_, all); !st)
        log::warn("cannot write %s: %s", queue::host_status_path(queue_).c_str(), st.error().message.c_str());
}

std::string suspended_reason(const queue::HostStatus& dead) { return "delivery temporarily suspended: " + dead.reason; }

}  // namespace postern::qmgr
