// Typed IPC messages. Each is one struct with one encoder (to_attrs) and one
// decoder (from_attrs); send_msg/recv_msg add and check the "type" and
// "version" attributes. A missing, unknown, repeated (non-list) or oversized
// attribute rejects the message.
//
//   pickup/smtpd -> cleanup:  CleanupOpen, CleanupData*, CleanupEnd
//   cleanup -> client:        CleanupReply
//   qmgr -> local/smtp:       DeliverRequest
//   local/smtp -> qmgr:       DeliverReply
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/channel.hpp"

namespace postern::ipc {

inline constexpr std::int64_t kProtocolVersion = 1;

// Opens one message submission. The content follows as CleanupData frames
// (raw bytes, "\n" line ends, chunks of at most 64 KiB), then CleanupEnd.
struct CleanupOpen {
    static constexpr std::string_view kType = "cleanup_open";
    std::string origin;          // "pickup" or "smtpd"
    std::string sender;          // envelope sender; "" = null sender <>
    std::string full_name;       // sendmail -F
    std::int64_t uid = -1;       // submitting user (pickup: maildrop file owner)
    bool extract_recipients = false;  // sendmail -t
    std::vector<std::string> recipients;
    std::string client_name;     // smtpd: client host name, address, HELO
    std::string client_addr;
    std::string helo;
    // RFC 3461 DSN parameters (optional on the wire). rcpt_notify and
    // rcpt_orcpt are either empty or parallel to recipients.
    std::vector<std::string> rcpt_notify;
    std::vector<std::string> rcpt_orcpt;
    std::string dsn_ret;    // "FULL", "HDRS" or ""
    std::string dsn_envid;  // decoded ENVID or ""
    AttrList to_attrs() const;
    static Result<CleanupOpen> from_attrs(AttrReader& r);
};

struct CleanupData {
    static constexpr std::string_view kType = "cleanup_data";
    std::string data;
    AttrList to_attrs() const;
    static Result<CleanupData> from_attrs(AttrReader& r);
};

struct CleanupEnd {
    static constexpr std::string_view kType = "cleanup_end";
    AttrList to_attrs() const;
    static Result<CleanupEnd> from_attrs(AttrReader& r);
};

// Sent only after the queue file is fsynced, renamed and its directory
// fsynced (status ok), or when the message was refused.
struct CleanupReply {
    static constexpr std::string_view kType = "cleanup_reply";
    enum class Status { Ok, TempFail, PermFail } status = Status::TempFail;
    std::string queue_id;  // when ok
    std::string dsn;       // "4.3.0", "5.3.4", ...
    std::string reason;    // one line
    AttrList to_attrs() const;
    static Result<CleanupReply> from_attrs(AttrReader& r);
};

struct DeliverRecipient {
    std::string address;   // final address to deliver to
    std::string orcpt;     // original recipient (RFC 3461), may be empty
    std::string notify;    // DSN NOTIFY, may be empty
    std::int64_t offset = 0;  // status byte offset in the queue file (opaque to agents)
};

struct DeliverRequest {
    static constexpr std::string_view kType = "deliver";
    std::string queue_id;
    std::string queue_file;   // path relative to $queue_directory, e.g. "active/ID"
    std::string sender;
    std::string nexthop;      // transport next hop (domain or [host]:port); local: domain
    std::vector<DeliverRecipient> recipients;
    AttrList to_attrs() const;
    static Result<DeliverRequest> from_attrs(AttrReader& r);
};

struct RecipientResult {
    std::int64_t offset = 0;  // echoes DeliverRecipient::offset
    enum class Status { Delivered, Deferred, Bounced } status = Status::Deferred;
    std::string dsn;          // "2.0.0", "4.2.0", "5.1.1"
    std::string reason;       // one line, e.g. "delivered to maildir"
};

struct DeliverReply {
    static constexpr std::string_view kType = "deliver_reply";
    std::vector<RecipientResult> results;  // one per recipient of the request
    AttrList to_attrs() const;
    static Result<DeliverReply> from_attrs(AttrReader& r);
};

// A message's attributes behind the "type" and "version" header.
template <class M>
AttrList with_header(const M& msg) {
    AttrList list;
    list.add("type", M::kType).add_int("version", kProtocolVersion);
    const AttrList body = msg.to_attrs();  // named: items() of a temporary would dangle
    for (const auto& [n, v] : body.items()) list.add(n, v);
    return list;
}

// Frame helpers that add/check type and version.
template <class M>
Status send_msg(int fd, const M& msg, Millis timeout) {
    return send_frame(fd, with_header(msg), timeout);
}

// Check type/version, decode, and require that nothing is left over.
Status check_header(AttrReader& r, std::string_view type);
// The "type" of a received frame without consuming anything (for dispatch).
std::string peek_type(const AttrList& list);

template <class M>
Result<M> decode_msg(const AttrList& list, const Limits& limits) {
    AttrReader r(list, limits);
    POSTERN_TRY(check_header(r, M::kType));
    auto m = M::from_attrs(r);
    if (!m) return m.error();
    POSTERN_TRY(r.finish());
    return m;
}

template <class M>
Result<M> recv_msg(int fd, const Limits& limits, Millis timeout) {
    auto list = recv_frame(fd, limits, timeout);
    if (!list) return list.error();
    return decode_msg<M>(*list, limits);
}

}  // namespace postern::ipc
