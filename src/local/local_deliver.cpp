// Per-recipient delivery: dispatch of targets to their delivery kind.
#include "local_deliver.hpp"

#include "lib/base/log.hpp"
#include "local_headers.hpp"
#include "local_mailbox.hpp"
#include "local_maildir.hpp"
#include "local_privs.hpp"
#include "local_resolve.hpp"

namespace postern::local {
namespace {

struct Job {
    const Settings& settings;
    const Message& msg;
    std::string_view recipient;
};

Outcome deliver_to_mailbox(const Job& job, const Target& t) {
    bool mbox = job.settings.mailbox_format == MailboxFormat::Mbox;
    RunAs who{t.owner, mbox ? mbox_groups(job.settings) : std::vector<gid_t>{}};
    return run_delivery(job.settings.privileged(), who, job.settings.delivery_timeout, [&] {
        return mbox ? deliver_mbox(job.settings, job.msg, job.recipient, t.owner)
                    : deliver_maildir(job.settings, job.msg, job.recipient, t.owner);
    });
}

// Commands, files, :include: and forwards to other domains come with the
// full local delivery issue; until then the mail waits in the queue.
Outcome not_supported_yet(const Job& job, const Target& t) {
    log::warn("%s: to=<%s>, alias %s: %s target \"%s\" not supported yet, delivery deferred",
              job.msg.queue_id.c_str(), log::printable(job.recipient).c_str(), log::printable(t.via).c_str(),
              std::string(kind_name(t.kind)).c_str(), log::printable(t.value).c_str());
    return deferred("4.3.0", "alias target type " + std::string(kind_name(t.kind)) + " not supported yet");
}

using Handler = Outcome (*)(const Job&, const Target&);

// Indexed by TargetKind.
constexpr Handler kHandlers[] = {
    deliver_to_mailbox,   // Mailbox
    not_supported_yet,    // Command
    not_supported_yet,    // File
    not_supported_yet,    // Include
    not_supported_yet,    // Remote
};

// qmgr logs each recipient's final status= line; targets reached through
// aliases get a line of their own (result=, not status=, so log tools do not
// count a delivery twice) so the expansion can be followed.
void log_target(const Job& job, const Target& t, const Outcome& o) {
    if (t.via.empty()) return;
    log::info("%s: to=<%s>, alias=%s, target=%s:%s, relay=local, dsn=%s, result=%s (%s)", job.msg.queue_id.c_str(),
              log::printable(job.recipient).c_str(), log::printable(t.via).c_str(),
              std::string(kind_name(t.kind)).c_str(), log::printable(t.value).c_str(), o.dsn.c_str(), std::string(status_word(o)).c_str(),
              log::printable(o.reason).c_str());
}

}  // namespace

Outcome deliver_recipient(const Settings& settings, const AliasMaps& aliases, const Message& msg,
                          std::string_view header_block, const ipc::DeliverRecipient& rcpt) {
    if (has_delivered_to(header_block, rcpt.address))
        return bounced("5.4.6", "mail forwarding loop for " + log::printable(rcpt.address));
    Expansion exp = expand_recipient(settings, aliases, rcpt.address);
    std::vector<Outcome> outcomes = exp.problems;
    Job job{settings, msg, rcpt.address};
    // A recipient that will be retried anyway is not delivered in part now:
    // each retry would deliver the other targets again.
    for (const auto& t : exp.targets)
        if (kHandlers[static_cast<int>(t.kind)] == not_supported_yet) outcomes.push_back(not_supported_yet(job, t));
    for (const auto& o : outcomes)
        if (o.status == Outcome::Status::Deferred) return combine(outcomes);
    for (const auto& t : exp.targets) {
        Outcome o = kHandlers[static_cast<int>(t.kind)](job, t);
        log_target(job, t, o);
        outcomes.push_back(std::move(o));
    }
    return combine(outcomes);
}

}  // namespace postern::local
