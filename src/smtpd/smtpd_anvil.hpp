// smtpd's side of anvil(8): one persistent connection per smtpd process to
// private/anvil, so the per-client limits hold across all smtpd processes.
//
// admit() sends a request and waits (at most kReplyTimeout) for the
// verdict; release() is queued and written in order behind it, with no
// answer. Requests are written by one writer coroutine, so frames never
// interleave. When anvil cannot be reached (not running, restarting, slow,
// garbage) admit() returns nullopt and the caller counts by itself, as
// smtpd did before anvil existed; a reconnect is tried at most once a
// second, or at once when a working connection breaks (anvil restarted). Each connection has a generation: a session admitted on an older
// connection is not released on a newer one (anvil already gave back
// everything the old connection held when it closed).
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "lib/ipc/async_channel.hpp"
#include "lib/server/client_limiter.hpp"

namespace postern::smtpd {

class AnvilClient {
public:
    using Verdict = server::ClientLimiter::Verdict;
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds kReplyTimeout{1000};
    static constexpr std::chrono::seconds kRetryInterval{1};

    struct Admission {
        Verdict verdict;
        std::uint64_t generation;  // pass back to release()
    };

    AnvilClient(boost::asio::io_context& io, std::string socket_path);

    // One admit at a time (smtpd's accept loop is the only caller).
    boost::asio::awaitable<std::optional<Admission>> admit(const std::string& addr);
    void release(const std::string& addr, std::uint64_t generation);

private:
    // now_or_never: ignore kRetryInterval (a known-good connection just broke).
    boost::asio::awaitable<bool> ensure_connected(bool now_or_never);
    void send(const ipc::AttrList& frame);
    boost::asio::awaitable<void> writer();
    void arm_deadline();
    void disarm_deadline() { ++deadline_seq_; deadline_.cancel(); }
    void disconnect(const std::string& why);

    boost::asio::io_context& io_;
    std::string path_;
    ipc::AsyncSocket sock_;
    boost::asio::steady_timer deadline_;
    std::uint64_t generation_ = 0;
    std::uint64_t deadline_seq_ = 0;  // a stale timer completion changes nothing
    bool connected_ = false;
    bool writing_ = false;
    bool warned_ = false;
    Clock::time_point next_try_{};
    std::string outbox_;
};

}  // namespace postern::smtpd
