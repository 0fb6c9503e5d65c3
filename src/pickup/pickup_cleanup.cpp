#include "pickup_cleanup.hpp"

#include <cerrno>

#include "lib/dsn/dsn_attrs.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::pickup {
namespace {

CleanupResult temp_fail(std::string reason) {
    return CleanupResult{CleanupResult::Kind::TempFail, {}, std::move(reason)};
}

// RFC 3461: ENVID is at most 100 printable US-ASCII characters (decoded).
bool valid_envid(std::string_view v) {
    if (v.size() > 100) return false;
    for (unsigned char c : v)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

ipc::CleanupOpen open_message(const queue::Envelope& env, uid_t owner) {
    ipc::CleanupOpen m;
    m.origin = "pickup";
    m.sender = env.sender;
    m.full_name = env.full_name;
    m.uid = static_cast<std::int64_t>(owner);
    m.extract_recipients = env.extract_recipients;
    // sendmail -R/-V (and -bs RET=/ENVID=). The file is the submitter's:
    // a value sendmail would not have written is dropped, so nothing odd
    // reaches a queue file or a bounce's Original-Envelope-Id.
    m.dsn_ret = dsn::envelope_attr(env, dsn::kRetAttr);
    if (m.dsn_ret != "FULL" && m.dsn_ret != "HDRS") m.dsn_ret.clear();
    m.dsn_envid = dsn::envelope_attr(env, dsn::kEnvidAttr);
    if (!valid_envid(m.dsn_envid)) m.dsn_envid.clear();
    bool dsn = false;
    for (const auto& r : env.recipients) {
        m.recipients.push_back(r.address);
        m.rcpt_notify.push_back(r.notify);
        m.rcpt_orcpt.push_back(r.orcpt);
        dsn = dsn || !r.notify.empty() || !r.orcpt.empty();
    }
    if (!dsn) {
        m.rcpt_notify.clear();
        m.rcpt_orcpt.clear();
    }
    return m;
}

Status send_chunks(int sock, std::string_view data, const Settings& s) {
    while (!data.empty()) {
        ipc::CleanupData chunk{std::string(data.substr(0, kChunk))};
        data.remove_prefix(chunk.data.size());
        POSTERN_TRY(ipc::send_msg(sock, chunk, s.ipc_timeout));
    }
    return {};
}

// Send the message; socket_failed tells a socket error from a file error.
Status send_message(int sock, int file_fd, const queue::Envelope& env, uid_t owner, const Settings& s,
                    bool& socket_failed) {
    socket_failed = true;
    POSTERN_TRY(ipc::send_msg(sock, open_message(env, owner), s.ipc_timeout));
    bool sink_failed = false;
    auto st = queue::read_content(file_fd, env, [&](std::string_view data) {
        auto r = send_chunks(sock, data, s);
        sink_failed = !r.ok();
        return r;
    });
    if (!st) {
        socket_failed = sink_failed;
        return st.error();
    }
    return ipc::send_msg(sock, ipc::CleanupEnd{}, s.ipc_timeout);
}

CleanupResult from_reply(const ipc::CleanupReply& reply) {
    using S = ipc::CleanupReply::Status;
    std::string why = reply.dsn.empty() ? reply.reason : reply.dsn + " " + reply.reason;
    switch (reply.status) {
        case S::Ok: return CleanupResult{CleanupResult::Kind::Ok, reply.queue_id, {}};
        case S::PermFail: return CleanupResult{CleanupResult::Kind::PermFail, {}, why};
        case S::TempFail: break;
    }
    return temp_fail(why);
}

}  // namespace

CleanupResult send_to_cleanup(int file_fd, const queue::Envelope& env, uid_t owner, const Settings& s) {
    auto sock = ipc::connect_unix(s.cleanup_socket, s.ipc_timeout);
    if (!sock) return temp_fail("cleanup: " + sock.error().message);
    bool socket_failed = false;
    auto sent = send_message(sock->get(), file_fd, env, owner, s, socket_failed);
    if (!sent && !socket_failed) return temp_fail("read maildrop file: " + sent.error().message);
    // cleanup may refuse before it has read everything and then hang up: its
    // reply is still the best account of what happened.
    if (!sent && sent.error().sys_errno != EPIPE && sent.error().sys_errno != ECONNRESET)
        return temp_fail("cleanup: " + sent.error().message);
    auto reply = ipc::recv_msg<ipc::CleanupReply>(sock->get(), s.ipc_limits, s.ipc_timeout);
    if (!reply) return temp_fail("cleanup: " + (sent ? reply.error().message : sent.error().message));
    return from_reply(*reply);
}

}  // namespace postern::pickup
