// The cleanup client (see the header).
#include "smtpd_cleanup.hpp"

namespace postern::smtpd {

namespace asio = boost::asio;

asio::awaitable<Status> CleanupClient::open(const std::string& path, const ipc::CleanupOpen& msg) {
    abort();
    auto st = co_await ipc::async_connect_unix(socket_, path);
    if (!st) co_return st;
    co_return co_await ipc::async_send_msg(socket_, msg);
}

asio::awaitable<Status> CleanupClient::send(std::string& pending, bool flush) {
    std::size_t sent = 0;
    while (pending.size() - sent >= kChunk || (flush && sent < pending.size())) {
        std::size_t n = std::min(kChunk, pending.size() - sent);
        ipc::CleanupData data{pending.substr(sent, n)};
        auto st = co_await ipc::async_send_msg(socket_, data);
        if (!st) co_return st;
        sent += n;
    }
    pending.erase(0, sent);
    co_return Status{};
}

asio::awaitable<Result<ipc::CleanupReply>> CleanupClient::finish(const ipc::Limits& limits) {
    auto st = co_await ipc::async_send_msg(socket_, ipc::CleanupEnd{});
    if (!st) co_return st.error();
    auto reply = co_await ipc::async_recv_msg<ipc::CleanupReply>(socket_, limits);
    abort();
    co_return reply;
}

void CleanupClient::abort() {
    boost::system::error_code ignored;
    if (socket_.is_open()) socket_.close(ignored);
}

void CleanupClient::cancel() {
    boost::system::error_code ignored;
    if (socket_.is_open()) socket_.cancel(ignored);
}

}  // namespace postern::smtpd
