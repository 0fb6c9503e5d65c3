// Accepting and admitting connections.
#include "smtpd_server.hpp"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"

namespace postern::smtpd {

std::string client_address(const tcp::endpoint& ep) {
    auto a = ep.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

Server::Server(asio::io_context& io, const Settings& settings, const AccessTable& access, int listen_fd)
    : io_(io),
      settings_(settings),
      policy_(settings, access),
      tls_(make_tls_context(settings.tls_cert_file, settings.tls_key_file, settings.tls_protocols)),
      shared_{settings_, policy_, tls_.get()},
      acceptor_(io),
      listen_fd_(listen_fd),
      limiter_(settings.client_count_limit, settings.client_rate_limit, settings.rate_time_unit) {}

Status Server::start() {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return errno_error("listening socket");
    if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) return make_error("listening socket is not TCP");
    ErrorCode ec;
    acceptor_.assign(ss.ss_family == AF_INET ? tcp::v4() : tcp::v6(), listen_fd_, ec);
    if (ec) return make_error("listening socket: " + ec.message());
    acceptor_.non_blocking(true, ec);
    asio::co_spawn(io_, accept_loop(), asio::detached);
    asio::co_spawn(io_, stop_watch(), asio::detached);
    return {};
}

asio::awaitable<void> Server::stop_watch() {
    asio::steady_timer t(io_);
    while (!server::stop_requested()) {
        t.expires_after(std::chrono::milliseconds(500));
        ErrorCode ec;
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    log::info("stopping");
    io_.stop();
}

asio::awaitable<void> Server::accept_loop() {
    for (;;) {
        ErrorCode ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            // Another process won the race, or a transient shortage: go on.
            if (ec != asio::error::would_block && ec != asio::error::try_again && ec != asio::error::connection_aborted)
                log::warn("accept: %s", ec.message().c_str());
            if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space || ec == asio::error::no_memory) {
                asio::steady_timer t(io_, std::chrono::seconds(1));
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            continue;
        }
        auto peer = socket.remote_endpoint(ec);
        if (ec) continue;
        std::string addr = client_address(peer);
        bool counted = false;
        if (std::string text = refusal(addr, counted); !text.empty()) {
            refuse(socket, text);
            continue;
        }
        ++sessions_;
        asio::co_spawn(io_, serve(std::move(socket), std::move(addr), counted), asio::detached);
    }
}

// "" to admit; counted says whether limiter_ took a slot to give back.
std::string Server::refusal(const std::string& addr, bool& counted) {
    const std::string prefix = "421 4.7.0 " + settings_.myhostname + " Error: ";
    if (sessions_ >= settings_.process_session_limit) {
        log::warn("too many sessions (%zu); refusing %s", sessions_, addr.c_str());
        return prefix + "too many connections";
    }
    if (settings_.limit_exceptions.contains(addr)) return {};
    switch (limiter_.admit(addr, ClientLimiter::Clock::now())) {
        case ClientLimiter::Verdict::Ok:
            counted = true;
            return {};
        case ClientLimiter::Verdict::TooManyConnections:
            log::warn("too many connections from %s", addr.c_str());
            return prefix + "too many connections from " + addr;
        case ClientLimiter::Verdict::TooFast:
            log::warn("connection rate limit exceeded by %s", addr.c_str());
            return prefix + "too many connections from " + addr;
    }
    return {};
}

// A fresh socket's send buffer is empty: one short non-blocking write
// cannot stall the process.
void Server::refuse(tcp::socket& socket, const std::string& text) {
    ErrorCode ec;
    socket.non_blocking(true, ec);
    std::string line = text + "\r\n";
    socket.write_some(asio::buffer(line), ec);
    socket.close(ec);
}

asio::awaitable<void> Server::serve(tcp::socket socket, std::string addr, bool counted) {
    ClientInfo client;
    client.addr = addr;
    client.trusted = settings_.mynetworks.contains(addr);
    auto session = std::make_shared<Session>(shared_, std::move(socket), std::move(client));
    asio::co_spawn(io_, session->watchdog(), asio::detached);
    try {
        co_await session->run();
    } catch (const std::exception& e) {
        log::warn("session with %s ended: %s", addr.c_str(), e.what());
    }
    --sessions_;
    if (counted) limiter_.release(addr);
}

}  // namespace postern::smtpd
