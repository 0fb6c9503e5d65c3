#include "pickup_cleanup.hpp"

#include "lib/dsn/dsn_attrs.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::pickup {
namespace {

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

}  // namespace

CleanupResult send_to_cleanup(int file_fd, const queue::Envelope& env, uid_t owner, const Settings& s) {
    ipc::CleanupEndpoint ep{s.cleanup_socket, s.ipc_timeout, s.ipc_limits};
    return ipc::submit_to_cleanup(ep, open_message(env, owner), [&](const ipc::ContentSink& sink) -> Status {
        return queue::read_content(file_fd, env, [&](std::string_view data) { return sink(data); });
    });
}

}  // namespace postern::pickup
