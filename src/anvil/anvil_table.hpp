// anvil's table: the shared ClientLimiter plus, for each smtpd connection,
// the sessions it was admitted for, so that a connection that closes (its
// smtpd exited or was killed) gives its counts back. A release for a
// session the connection does not hold is ignored: one smtpd cannot
// release another's counts.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "lib/server/client_limiter.hpp"

namespace postern::anvil {

class AnvilTable {
public:
    using ConnId = std::uint64_t;
    using Verdict = server::ClientLimiter::Verdict;
    using Clock = server::ClientLimiter::Clock;
    // Bound on the sessions one connection may hold; above it admits are
    // answered Ok without counting (as a full ClientLimiter does).
    static constexpr std::size_t kMaxHeldPerConn = 100000;

    explicit AnvilTable(server::ClientLimiter limiter) : limiter_(std::move(limiter)) {}

    Verdict admit(ConnId conn, const std::string& addr, Clock::time_point now);
    void release(ConnId conn, const std::string& addr);
    void drop(ConnId conn);  // the connection closed
    std::size_t held(ConnId conn) const;

private:
    struct Held {
        std::size_t total = 0;
        std::unordered_map<std::string, std::size_t> by_addr;
    };
    server::ClientLimiter limiter_;
    std::unordered_map<ConnId, Held> held_;
};

}  // namespace postern::anvil
