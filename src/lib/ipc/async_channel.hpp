// Framed IPC for event-driven clients (smtpd -> cleanup): the same frames
// and strict decoder as channel.hpp (encode_frame / decode_payload), read
// and written with Boost.Asio C++20 coroutines instead of blocking poll().
//
// No timeouts here: the caller owns the deadline and cancels or closes the
// socket when it passes (the pending operation then fails). A frame's length
// is checked against Limits before its payload is allocated. Errors are
// values, never exceptions; "eof" as in recv_frame.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "lib/base/result.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::ipc {

using AsyncSocket = boost::asio::local::stream_protocol::socket;

boost::asio::awaitable<Status> async_connect_unix(AsyncSocket& socket, const std::string& path);
boost::asio::awaitable<Status> async_send_frame(AsyncSocket& socket, const AttrList& list);
boost::asio::awaitable<Result<AttrList>> async_recv_frame(AsyncSocket& socket, const Limits& limits);

template <class M>
boost::asio::awaitable<Status> async_send_msg(AsyncSocket& socket, const M& msg) {
    const AttrList list = with_header(msg);  // named: g++ 12 mishandles temporaries across co_await
    co_return co_await async_send_frame(socket, list);
}

template <class M>
boost::asio::awaitable<Result<M>> async_recv_msg(AsyncSocket& socket, const Limits& limits) {
    auto list = co_await async_recv_frame(socket, limits);
    if (!list) co_return list.error();
    co_return decode_msg<M>(*list, limits);
}

}  // namespace postern::ipc
