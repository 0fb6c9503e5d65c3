// Accepting and admitting connections.
#include "smtpd_server.hpp"

#include <sys/socket.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/base/log.hpp"
#include "lib/server/asio_stop.hpp"
#include "lib/server/service.hpp"

namespace postern::smtpd {

using Verdict = server::ClientLimiter::Verdict;

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
      anvil_(io, settings.anvil_socket),
      limiter_(settings.client_count_limit, settings.client_rate_limit, settings.rate_time_unit) {
    if (settings.peername_lookup) names_ = std::make_unique<ClientNameResolver>(settings.client_name_dns);
}

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
    asio::co_spawn(io_, server::stop_on_request(io_), asio::detached);
    return {};
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
        Counted counted;
        std::string text = co_await refusal(addr, counted);
        if (!text.empty()) {
            refuse(socket, text);
            continue;
        }
        ++sessions_;
        asio::co_spawn(io_, serve(std::move(socket), std::move(addr), counted), asio::detached);
    }
}

// "" to admit, else the 421 reply.
asio::awaitable<std::string> Server::refusal(const std::string& addr, Counted& counted) {
    if (sessions_ >= settings_.process_session_limit) {
        log::warn("too many sessions (%zu); refusing %s", sessions_, addr.c_str());
        co_return "421 4.7.0 " + settings_.myhostname + " Error: too many connections";
    }
    if (settings_.limit_exceptions.contains(addr)) co_return std::string();
    if (settings_.client_count_limit == 0 && settings_.client_rate_limit == 0) co_return std::string();
    auto shared = co_await anvil_.admit(addr);
    if (shared) {
        if (shared->verdict == Verdict::Ok) counted = {Counted::By::Anvil, shared->generation};
        co_return refusal_text(shared->verdict, addr);
    }
    Verdict v = limiter_.admit(addr, server::ClientLimiter::Clock::now());
    if (v == Verdict::Ok) counted = {Counted::By::Process, 0};
    co_return refusal_text(v, addr);
}

std::string Server::refusal_text(Verdict verdict, const std::string& addr) const {
    switch (verdict) {
        case Verdict::Ok:
            return {};
        case Verdict::TooManyConnections:
            log::warn("too many connections from %s", addr.c_str());
            break;
        case Verdict::TooFast:
            log::warn("connection rate limit exceeded by %s", addr.c_str());
            break;
    }
    return "421 4.7.0 " + settings_.myhostname + " Error: too many connections from " + addr;
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

asio::awaitable<void> Server::serve(tcp::socket socket, std::string addr, Counted counted) {
    ClientInfo client;
    client.addr = addr;
    client.trusted = settings_.mynetworks.contains(addr);
    if (names_) {  // before the greeting, as Postfix: logs, Received: and access tables see it
        std::string name = co_await names_->name_of(addr);
        client.name = std::move(name);
    }
    auto session = std::make_shared<Session>(shared_, std::move(socket), std::move(client));
    asio::co_spawn(io_, session->watchdog(), asio::detached);
    try {
        co_await session->run();
    } catch (const std::exception& e) {
        log::warn("session with %s ended: %s", addr.c_str(), e.what());
    }
    --sessions_;
    if (counted.by == Counted::By::Anvil) anvil_.release(addr, counted.generation);
    if (counted.by == Counted::By::Process) limiter_.release(addr);
}

}  // namespace postern::smtpd
