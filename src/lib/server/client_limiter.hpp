// Per-client connection accounting (Postfix's anvil table): simultaneous
// sessions per client address ($smtpd_client_connection_count_limit) and
// new connections per address per $anvil_rate_time_unit
// ($smtpd_client_connection_rate_limit). 0 disables a limit.
//
// Used by anvil(8), which holds the one table every smtpd process shares,
// and by smtpd itself as its fallback while anvil cannot be reached. The
// table is bounded (kMaxClients addresses); when it is full of live entries
// a new address is admitted untracked rather than refused.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace postern::server {

class ClientLimiter {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kMaxClients = 100000;

    enum class Verdict { Ok, TooManyConnections, TooFast };

    ClientLimiter(std::size_t count_limit, std::size_t rate_limit, std::chrono::seconds window)
        : count_limit_(count_limit), rate_limit_(rate_limit), window_(window) {}

    // Ok counts the connection; pair each Ok with one release().
    Verdict admit(const std::string& addr, Clock::time_point now);
    void release(const std::string& addr);
    std::size_t tracked() const { return clients_.size(); }

private:
    struct Entry {
        std::size_t active = 0;
        std::size_t recent = 0;           // connections since window_start
        Clock::time_point window_start{};
    };
    void purge(Clock::time_point now);

    std::size_t count_limit_;
    std::size_t rate_limit_;
    std::chrono::seconds window_;
    std::unordered_map<std::string, Entry> clients_;
};

}  // namespace postern::server
