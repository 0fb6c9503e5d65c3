// anvil's accept loop and per-connection request loop.
#include "anvil_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/base/log.hpp"
#include "lib/ipc/anvil_messages.hpp"
#include "lib/ipc/async_channel.hpp"

namespace postern::anvil {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

namespace {

// Requests are a few dozen bytes: anything larger is garbage.
constexpr ipc::Limits kLimits{1024, 8, 64};

ipc::AnvilReply::Verdict to_reply(AnvilTable::Verdict v) {
    switch (v) {
        case AnvilTable::Verdict::Ok: return ipc::AnvilReply::Verdict::Ok;
        case AnvilTable::Verdict::TooManyConnections: return ipc::AnvilReply::Verdict::TooManyConnections;
        case AnvilTable::Verdict::TooFast: return ipc::AnvilReply::Verdict::TooFast;
    }
    return ipc::AnvilReply::Verdict::Ok;
}

}  // namespace

Server::Server(asio::io_context& io, AnvilTable& table, int listen_fd)
    : io_(io), table_(table), acceptor_(io), listen_fd_(listen_fd) {}

Status Server::start() {
    boost::system::error_code ec;
    acceptor_.assign(stream(), listen_fd_, ec);
    if (ec) return make_error("listening socket: " + ec.message());
    acceptor_.non_blocking(true, ec);
    asio::co_spawn(io_, accept_loop(), asio::detached);
    return {};
}

asio::awaitable<void> Server::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        stream::socket sock = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::no_descriptors || ec == asio::error::no_memory) {
                log::warn("accept: %s", ec.message().c_str());
                asio::steady_timer t(io_, std::chrono::seconds(1));
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            }
            continue;
        }
        if (connections_ >= kMaxConnections) {
            log::warn("too many connections (%zu); refusing one", connections_);
            continue;  // closed here: that smtpd counts by itself meanwhile
        }
        ++connections_;
        asio::co_spawn(io_, serve(std::move(sock), next_id_++), asio::detached);
    }
}

asio::awaitable<void> Server::serve(stream::socket sock, AnvilTable::ConnId id) {
    for (;;) {
        auto req = co_await ipc::async_recv_msg<ipc::AnvilRequest>(sock, kLimits);
        if (!req) {
            if (req.error().message != "eof") log::warn("connection %llu: %s", static_cast<unsigned long long>(id),
                                                        req.error().message.c_str());
            break;
        }
        if (req->op == ipc::AnvilRequest::Op::Release) {
            table_.release(id, req->addr);
            continue;
        }
        ipc::AnvilReply reply;
        reply.verdict = to_reply(table_.admit(id, req->addr, AnvilTable::Clock::now()));
        auto sent = co_await ipc::async_send_msg(sock, reply);
        if (!sent) break;
    }
    table_.drop(id);
    --connections_;
}

}  // namespace postern::anvil
