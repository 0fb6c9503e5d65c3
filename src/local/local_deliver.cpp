// Per-recipient delivery: dispatch of final destinations to their kind.
#include "local_deliver.hpp"

#include <map>

#include "lib/base/log.hpp"
#include "lib/resolve/resolve_route.hpp"
#include "local_command.hpp"
#include "local_file.hpp"
#include "local_forward.hpp"
#include "local_headers.hpp"
#include "local_mailbox.hpp"
#include "local_maildir.hpp"
#include "local_owner_notice.hpp"
#include "local_privs.hpp"
#include "local_resolve.hpp"
#include "local_user.hpp"

namespace postern::local {
namespace {

struct Job {
    const Settings& settings;
    const Message& msg;
    const ipc::DeliverRecipient& rcpt;
};

// The message as this destination sees it: an owner-NAME alias on the way
// makes owner-NAME@DOMAIN the envelope sender (Return-Path, From_, SENDER).
std::string sender_for(const Job& job, const FinalDestination& d) {
    if (d.owner.empty()) return job.msg.envelope.sender;
    std::string domain = resolve::recipient_domain(job.rcpt.address);
    return d.owner + "@" + (domain.empty() ? job.settings.myhostname : domain);
}

Message message_for(const Job& job, const FinalDestination& d) {
    Message m = job.msg;
    m.envelope.sender = sender_for(job, d);
    return m;
}

Outcome to_mailbox(const Job& job, const FinalDestination& d) {
    bool mbox = job.settings.mailbox_format == MailboxFormat::Mbox;
    RunAs who{d.run_as, mbox ? mbox_groups(job.settings) : std::vector<gid_t>{}};
    Message m = message_for(job, d);
    return run_delivery(job.settings.privileged(), who, job.settings.delivery_timeout, [&] {
        return mbox ? deliver_mbox(job.settings, m, job.rcpt.address, d.run_as)
                    : deliver_maildir(job.settings, m, job.rcpt.address, d.run_as);
    });
}

Outcome to_file(const Job& job, const FinalDestination& d) {
    Message m = message_for(job, d);
    return run_delivery(job.settings.privileged(), RunAs{d.run_as, std::nullopt}, job.settings.delivery_timeout,
                        [&] { return deliver_file(job.settings, m, job.rcpt.address, d.value); });
}

Outcome to_command(const Job& job, const FinalDestination& d) {
    CommandJob c;
    c.command = d.value;
    c.user = d.run_as;
    c.recipient = job.rcpt.address;
    c.original_recipient = job.rcpt.orcpt.empty() ? job.rcpt.address : job.rcpt.orcpt;
    std::string local = local_part(job.rcpt.address);
    c.local = local;
    c.domain = resolve::recipient_domain(job.rcpt.address);
    std::string base = strip_extension(local, job.settings.recipient_delimiter);
    if (base.size() < local.size()) c.extension = local.substr(base.size() + 1);
    c.time_limit = job.settings.command_time_limit;
    Message m = message_for(job, d);
    return run_delivery(job.settings.privileged(), RunAs{d.run_as, std::nullopt}, job.settings.delivery_timeout,
                        [&] { return deliver_command(m, c); });
}

// One address alone; deliver_recipient batches them (forward_remote).
Outcome to_remote(const Job& job, const FinalDestination& d) {
    return forward_to(job.settings, job.msg, job.rcpt, sender_for(job, d), {d.value});
}

Outcome to_error(const Job&, const FinalDestination& d) {
    if (!d.dsn.empty() && d.dsn[0] == '4') return deferred(d.dsn, d.value);
    return bounced(d.dsn.empty() ? "5.0.0" : d.dsn, d.value);
}

using Handler = Outcome (*)(const Job&, const FinalDestination&);

// Indexed by DestinationKind.
constexpr Handler kHandlers[] = {to_mailbox, to_file, to_command, to_remote, to_error};

Outcome deliver_one(const Job& job, const FinalDestination& d) { return kHandlers[static_cast<int>(d.kind)](job, d); }

// Outcomes known without delivering (errors): if one of them defers,
// nothing is delivered, so a retry does not deliver twice.
bool decided_early(const FinalDestination& d) { return d.kind == DestinationKind::Error; }

std::string key_of(const FinalDestination& d) {
    return std::string(resolve::destination_kind_name(d.kind)) + ":" + std::to_string(d.run_as.uid) + ":" + d.value;
}

// qmgr logs each recipient's final status= line; destinations reached
// through aliases, .forward or :include: get a line of their own (result=,
// not status=, so log tools do not count a delivery twice).
void log_destination(const Job& job, const FinalDestination& d, const Outcome& o) {
    if (d.chain.empty()) return;
    log::info("%s: to=<%s>, via=%s, target=%s:%s, uid=%u, relay=local, dsn=%s, result=%s (%s)",
              job.msg.queue_id.c_str(), log::printable(job.rcpt.address).c_str(),
              log::printable(resolve::describe_chain(d)).c_str(),
              std::string(resolve::destination_kind_name(d.kind)).c_str(), log::printable(d.value).c_str(),
              static_cast<unsigned>(d.run_as.uid), o.dsn.c_str(), std::string(status_word(o)).c_str(),
              log::printable(o.reason).c_str());
}

// All remote addresses of one recipient go in one new message per envelope
// sender (usually one; a list with an owner has its own), after the local
// deliveries, as Postfix flushes its forward buffer last.
void forward_remote(const Job& job, const std::vector<FinalDestination>& dests, std::vector<Outcome>& outcomes) {
    std::map<std::string, std::vector<const FinalDestination*>> by_sender;
    for (const auto& d : dests)
        if (d.kind == DestinationKind::Remote) by_sender[sender_for(job, d)].push_back(&d);
    for (const auto& [sender, group] : by_sender) {
        std::vector<std::string> addresses;
        for (const auto* d : group) addresses.push_back(d->value);
        Outcome o = forward_to(job.settings, job.msg, job.rcpt, sender, addresses);
        for (const auto* d : group) log_destination(job, *d, o);
        outcomes.push_back(std::move(o));
    }
}

// How a failed member is named in the owner's report: its address, file or
// command; an error: entry by the list address the owner knows.
std::string member_address(const Job& job, const FinalDestination& d) {
    if (d.kind == DestinationKind::Error) return job.rcpt.address;
    if (d.kind != DestinationKind::Mailbox) return d.value;
    std::string domain = resolve::recipient_domain(job.rcpt.address);
    return d.value + "@" + (domain.empty() ? job.settings.myhostname : domain);
}

// Members of a list with an owner that failed for good are reported to the
// owner (local_owner_notice.hpp); once that report is queued they no longer
// make the recipient bounce to the sender.
void report_to_owners(const Job& job, const std::vector<const FinalDestination*>& from,
                      std::vector<Outcome>& outcomes) {
    std::map<std::string, std::vector<std::size_t>> by_owner;
    for (std::size_t i = 0; i < outcomes.size(); ++i)
        if (outcomes[i].status == Outcome::Status::Bounced && !from[i]->owner.empty())
            by_owner[sender_for(job, *from[i])].push_back(i);
    for (const auto& [owner, failed] : by_owner) {
        std::vector<dsn::RecipientStatus> report;
        for (auto i : failed)
            report.push_back({member_address(job, *from[i]), "", dsn::Action::Failed, outcomes[i].dsn, outcomes[i].reason});
        if (!notify_owner(job.settings, job.msg, owner, report)) continue;
        for (auto i : failed) outcomes[i] = delivered("failure reported to the list owner <" + owner + ">");
    }
}

}  // namespace

Outcome deliver_recipient(const Settings& settings, const AliasMaps& aliases, const Message& msg,
                          std::string_view header_block, const ipc::DeliverRecipient& rcpt, DeliveredSet& done) {
    if (has_delivered_to(header_block, rcpt.address))
        return bounced("5.4.6", "mail forwarding loop for " + log::printable(rcpt.address));
    auto ctx = expand_context(settings, aliases);
    if (!ctx) return deferred("4.3.5", ctx.error().message);
    auto dests = resolve::expand_recipient(rcpt.address, *ctx);
    if (!dests) return deferred("4.3.0", dests.error().message);
    Job job{settings, msg, rcpt};
    std::vector<Outcome> outcomes;
    std::vector<const FinalDestination*> from;  // the destination of each outcome
    for (const auto& d : *dests)
        if (decided_early(d)) {
            outcomes.push_back(deliver_one(job, d));
            from.push_back(&d);
        }
    for (const auto& o : outcomes)
        if (o.status == Outcome::Status::Deferred) return combine(outcomes);
    for (const auto& d : *dests) {
        if (decided_early(d) || d.kind == DestinationKind::Remote) continue;
        std::string key = key_of(d);
        Outcome o = done.count(key) ? delivered("already delivered for another recipient") : deliver_one(job, d);
        if (o.status == Outcome::Status::Delivered) done.insert(key);
        log_destination(job, d, o);
        outcomes.push_back(std::move(o));
        from.push_back(&d);
    }
    report_to_owners(job, from, outcomes);
    forward_remote(job, *dests, outcomes);
    return combine(outcomes);
}

}  // namespace postern::local
