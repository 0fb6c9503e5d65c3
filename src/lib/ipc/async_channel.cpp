// Coroutine framing over UNIX stream sockets (see the header).
#include "lib/ipc/async_channel.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace postern::ipc {
namespace {

namespace asio = boost::asio;

Error asio_error(std::string_view what, const boost::system::error_code& ec) {
    return make_error(std::string(what) + ": " + ec.message(), ec.value());
}

std::size_t get_u32(const unsigned char* p) {
    return (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) | (std::size_t{p[2]} << 8) | p[3];
}

}  // namespace

// A full listen queue (every server process busy) makes a non-blocking
// UNIX connect fail with EAGAIN (or ENOBUFS) instead of waiting: retry, as
// the blocking connect_unix does, until the caller's deadline closes the socket.
asio::awaitable<Status> async_connect_unix(AsyncSocket& socket, const std::string& path) {
    const asio::local::stream_protocol::endpoint endpoint(path);
    asio::steady_timer pause(socket.get_executor());
    for (;;) {
        boost::system::error_code ec;
        co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) co_return Status{};
        bool busy = ec == asio::error::try_again || ec == asio::error::no_buffer_space;
        if (!busy || !socket.is_open()) co_return asio_error(path, ec);
        socket.close(ec);
        pause.expires_after(std::chrono::milliseconds(10));
        co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return asio_error(path, ec);
    }
}

asio::awaitable<Status> async_send_frame(AsyncSocket& socket, const AttrList& list) {
    if (list.size() > 0xffff) co_return make_error("too many attributes (" + std::to_string(list.size()) + ")");
    std::string frame = encode_frame(list);
    if (frame.size() - 4 > 0xffffffffu) co_return make_error("message too large");
    boost::system::error_code ec;
    co_await asio::async_write(socket, asio::buffer(frame), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return asio_error("write", ec);
    co_return Status{};
}

asio::awaitable<Result<AttrList>> async_recv_frame(AsyncSocket& socket, const Limits& limits) {
    unsigned char head[4];
    boost::system::error_code ec;
    std::size_t got = co_await asio::async_read(socket, asio::buffer(head), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::eof && got == 0) co_return make_error("eof");
    if (ec) co_return ec == asio::error::eof ? make_error("truncated message") : asio_error("read", ec);
    std::size_t len = get_u32(head);
    if (len > limits.max_payload)
        co_return make_error("message too large (" + std::to_string(len) + " > " + std::to_string(limits.max_payload) +
                             " bytes)");
    std::string payload(len, '\0');
    co_await asio::async_read(socket, asio::buffer(payload), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return ec == asio::error::eof ? make_error("truncated message") : asio_error("read", ec);
    co_return decode_payload(payload, limits);
}

}  // namespace postern::ipc
