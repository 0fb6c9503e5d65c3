// The per-process server: accepts on master's listening socket (fd 3,
// IPv4 or IPv6), applies the per-process session limit and the per-client
// limits (421 4.7.0 when exceeded; counted by anvil(8) across all smtpd
// processes, or in this process while anvil is unreachable), and runs each
// admitted connection as a
// Session coroutine on one io_context. A SIGTERM (server::stop_requested)
// stops the loop; sessions in progress end with the process, and mail not
// yet answered with 250 is not queued.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>

#include "smtpd_access.hpp"
#include "lib/server/client_limiter.hpp"
#include "smtpd_anvil.hpp"
#include "smtpd_client_name.hpp"
#include "smtpd_policy.hpp"
#include "smtpd_session.hpp"
#include "smtpd_settings.hpp"

namespace postern::smtpd {

class Server {
public:
    // settings and access must outlive the server.
    Server(asio::io_context& io, const Settings& settings, const AccessTable& access, int listen_fd);
    Status start();  // Error: the listening socket is unusable

private:
    asio::awaitable<void> accept_loop();
    // Who counted an admitted session, so the right one gives it back.
    struct Counted {
        enum class By { Nobody, Process, Anvil } by = By::Nobody;
        std::uint64_t generation = 0;  // By::Anvil
    };
    asio::awaitable<void> serve(tcp::socket socket, std::string addr, Counted counted);
    asio::awaitable<std::string> refusal(const std::string& addr, Counted& counted);
    std::string refusal_text(server::ClientLimiter::Verdict verdict, const std::string& addr) const;
    void refuse(tcp::socket& socket, const std::string& text);

    asio::io_context& io_;
    const Settings& settings_;
    Policy policy_;
    std::unique_ptr<asio::ssl::context> tls_;
    SessionShared shared_;
    tcp::acceptor acceptor_;
    int listen_fd_;
    AnvilClient anvil_;
    server::ClientLimiter limiter_;
    std::size_t sessions_ = 0;
    std::unique_ptr<ClientNameResolver> names_;  // null: $smtpd_peername_lookup off
};

// The client's address as text; an IPv4-mapped IPv6 address as IPv4.
std::string client_address(const tcp::endpoint& ep);

}  // namespace postern::smtpd
