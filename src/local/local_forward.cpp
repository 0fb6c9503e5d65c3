// Resubmission of forwarded mail through cleanup.
#include "local_forward.hpp"

#include "lib/dsn/dsn_attrs.hpp"
#include "lib/ipc/cleanup_submit.hpp"
#include "local_headers.hpp"

namespace postern::local {

ipc::CleanupOpen forward_open(const Message& msg, const ipc::DeliverRecipient& rcpt, const std::string& sender,
                              const std::vector<std::string>& addresses) {
    ipc::CleanupOpen m;
    m.origin = "local";
    m.sender = sender;
    m.recipients = addresses;
    // DSN parameters carry over (RFC 3461 section 5.2.1: forwarding
    // preserves NOTIFY and ORCPT; the original recipient is the one mailed).
    std::string orcpt = rcpt.orcpt.empty() ? "rfc822;" + rcpt.address : rcpt.orcpt;
    if (!rcpt.notify.empty() || !rcpt.orcpt.empty()) {
        m.rcpt_notify.assign(addresses.size(), rcpt.notify);
        m.rcpt_orcpt.assign(addresses.size(), orcpt);
    }
    m.dsn_ret = dsn::envelope_attr(msg.envelope, dsn::kRetAttr);
    m.dsn_envid = dsn::envelope_attr(msg.envelope, dsn::kEnvidAttr);
    return m;
}

Outcome forward_to(const Settings& settings, const Message& msg, const ipc::DeliverRecipient& rcpt,
                   const std::string& sender, const std::vector<std::string>& addresses) {
    // Only Delivered-To: the forwarded copy is not a mailbox copy, so no
    // Return-Path (the next hop adds its own).
    std::string added = delivered_to_header(rcpt.address);
    auto content = [&](const ipc::ContentSink& sink) -> Status {
        POSTERN_TRY(sink(added));
        return stream_content(msg, sink);
    };
    auto r = ipc::submit_to_cleanup(settings.cleanup(), forward_open(msg, rcpt, sender, addresses), content);
    switch (r.kind) {
        case ipc::CleanupResult::Kind::Ok: return delivered("forwarded as " + r.queue_id);
        case ipc::CleanupResult::Kind::PermFail: return bounced("5.3.0", "cannot forward: " + r.reason);
        case ipc::CleanupResult::Kind::TempFail: break;
    }
    return deferred("4.3.0", "cannot forward: " + r.reason);
}

}  // namespace postern::local
