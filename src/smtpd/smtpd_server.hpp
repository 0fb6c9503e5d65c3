// The per-process server: accepts on master's listening socket (fd 3,
// IPv4 or IPv6), applies the per-process session limit and the per-client
// limits (421 4.7.0 when exceeded), and runs each admitted connection as a
// Session coroutine on one io_context. A SIGTERM (server::stop_requested)
// stops the loop; sessions in progress end with the process, and mail not
// yet answered with 250 is not queued.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>

#include "smtpd_access.hpp"
#include "smtpd_limits.hpp"
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
    asio::awaitable<void> stop_watch();
    asio::awaitable<void> serve(tcp::socket socket, std::string addr, bool counted);
    std::string refusal(const std::string& addr, bool& counted);
    void refuse(tcp::socket& socket, const std::string& text);

    asio::io_context& io_;
    const Settings& settings_;
    Policy policy_;
    std::unique_ptr<asio::ssl::context> tls_;
    SessionShared shared_;
    tcp::acceptor acceptor_;
    int listen_fd_;
    ClientLimiter limiter_;
    std::size_t sessions_ = 0;
};

// The client's address as text; an IPv4-mapped IPv6 address as IPv4.
std::string client_address(const tcp::endpoint& ep);

}  // namespace postern::smtpd
