#include "cleanup_submit.hpp"

#include <cerrno>

#include "lib/ipc/channel.hpp"

namespace postern::ipc {
namespace {

CleanupResult temp_fail(std::string reason) {
    return CleanupResult{CleanupResult::Kind::TempFail, {}, std::move(reason)};
}

Status send_chunks(int sock, std::string_view data, const CleanupEndpoint& ep) {
    while (!data.empty()) {
        CleanupData chunk{std::string(data.substr(0, kCleanupChunk))};
        data.remove_prefix(chunk.data.size());
        POSTERN_TRY(send_msg(sock, chunk, ep.timeout));
    }
    return {};
}

// Send the message; socket_failed tells a socket error from a producer error.
Status send_message(int sock, const CleanupEndpoint& ep, const CleanupOpen& open, const ContentProducer& content,
                    bool& socket_failed) {
    socket_failed = true;
    POSTERN_TRY(send_msg(sock, open, ep.timeout));
    bool sink_failed = false;
    auto st = content([&](std::string_view data) {
        auto r = send_chunks(sock, data, ep);
        sink_failed = !r.ok();
        return r;
    });
    if (!st) {
        socket_failed = sink_failed;
        return st.error();
    }
    return send_msg(sock, CleanupEnd{}, ep.timeout);
}

CleanupResult from_reply(const CleanupReply& reply) {
    using S = CleanupReply::Status;
    std::string why = reply.dsn.empty() ? reply.reason : reply.dsn + " " + reply.reason;
    switch (reply.status) {
        case S::Ok: return CleanupResult{CleanupResult::Kind::Ok, reply.queue_id, {}};
        case S::PermFail: return CleanupResult{CleanupResult::Kind::PermFail, {}, why};
        case S::TempFail: break;
    }
    return temp_fail(why);
}

}  // namespace

CleanupResult submit_to_cleanup(const CleanupEndpoint& ep, const CleanupOpen& open, const ContentProducer& content) {
    auto sock = connect_unix(ep.socket, ep.timeout);
    if (!sock) return temp_fail("cleanup: " + sock.error().message);
    bool socket_failed = false;
    auto sent = send_message(sock->get(), ep, open, content, socket_failed);
    if (!sent && !socket_failed) return temp_fail("read error: " + sent.error().message);
    // cleanup may refuse before it has read everything and then hang up: its
    // reply is still the best account of what happened.
    if (!sent && sent.error().sys_errno != EPIPE && sent.error().sys_errno != ECONNRESET)
        return temp_fail("cleanup: " + sent.error().message);
    auto reply = recv_msg<CleanupReply>(sock->get(), ep.limits, ep.timeout);
    if (!reply) return temp_fail("cleanup: " + (sent ? reply.error().message : sent.error().message));
    return from_reply(*reply);
}

}  // namespace postern::ipc
