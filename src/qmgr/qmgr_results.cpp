// The Manager's result half: applying what delivery agents reported, the
// Postfix-style log line per recipient, and what happens to a message once
// none of its requests is left (remove, return, or defer).
#include <cstdio>
#include <ctime>

#include "lib/base/log.hpp"
#include "lib/queue/queue_status.hpp"
#include "qmgr_manager.hpp"

namespace postern::qmgr {
namespace {

struct timespec now_ts() {
    struct timespec ts {};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return ts;
}

using ResultStatus = ipc::RecipientResult::Status;

}  // namespace

void bounce_hook_recipient_failed(Message& msg, std::size_t index, std::string_view dsn, std::string_view reason) {
    msg.note_failed(index, std::string(dsn), std::string(reason));
}

std::string format_result_line(std::string_view queue_id, std::string_view address, std::string_view relay,
                               double delay, std::string_view dsn, std::string_view status,
                               std::string_view reason) {
    char d[32];
    std::snprintf(d, sizeof d, "%.2f", delay);
    std::string line;
    line.append(queue_id).append(": to=<").append(log::printable(address)).append(">, relay=");
    line.append(relay).append(", delay=").append(d).append(", dsn=").append(log::printable(dsn, 16));
    line.append(", status=").append(status).append(" (").append(log::printable(reason, 512)).append(")");
    return line;
}

void Manager::apply_outcome(Message& msg, const PlannedRequest& planned, const DeliveryOutcome& outcome) {
    std::string relay = outcome.agent_answered ? planned.route.transport : "none";
    // deliver_one guarantees one result per recipient; a mismatch here is a bug.
    if (outcome.results.size() != planned.recipients.size())
        log::panic("%s: %zu results for %zu recipients", msg.id().c_str(), outcome.results.size(),
                   planned.recipients.size());
    bool marked = false;
    for (std::size_t k = 0; k < planned.recipients.size(); ++k)
        marked |= apply_result(msg, planned.recipients[k], relay, outcome.results[k]);
    if (marked) flusher_.sync_file(msg.fd());
}

bool Manager::apply_result(Message& msg, std::size_t index, const std::string& relay,
                           const ipc::RecipientResult& result) {
    const auto& address = msg.recipients()[index].address;
    std::string_view status = "deferred";
    if (result.status == ResultStatus::Delivered || result.status == ResultStatus::Bounced) {
        bool delivered = result.status == ResultStatus::Delivered;
        status = delivered ? "sent" : "bounced";
        if (auto s = msg.mark(index, delivered ? queue::RcptStatus::Delivered : queue::RcptStatus::Bounced); !s)
            log::warn("%s: mark recipient <%s>: %s", msg.id().c_str(), log::printable(address).c_str(),
                      s.error().message.c_str());
    } else {
        msg.note_deferred(index, result.dsn + " " + result.reason);
    }
    auto line = format_result_line(msg.id(), address, relay, msg.age_seconds(now_ts()), result.dsn, status,
                                   result.reason);
    log::info("%s", line.c_str());
    if (result.status == ResultStatus::Bounced)
        bounce_hook_recipient_failed(msg, index, result.dsn, result.reason);
    return result.status != ResultStatus::Deferred;
}

void Manager::finish_if_done(Message& msg) {
    if (msg.outstanding() > 0) return;
    std::time_t now = now_ts().tv_sec;
    if (!msg.all_final() && lifetime_exceeded(now, msg.arrival(), settings_.retry)) expire_pending(msg);
    // The notice is queued (fsynced by cleanup) before the original goes.
    if (!msg.failures().empty())
        send_notice(msg, msg.failures(), dsn::Action::Failed, settings_.bounce, queue_.dir("private") + "/cleanup");
    if (msg.all_final())
        retire(msg);
    else
        defer(msg, now);
    std::string id = msg.id();
    messages_.erase(id);  // msg is gone after this line
}

void Manager::expire_pending(Message& msg) {
    for (auto i : msg.pending()) {
        auto it = msg.deferred_reasons().find(i);
        std::string reason = it == msg.deferred_reasons().end() ? "message expired" : it->second;
        const auto& address = msg.recipients()[i].address;
        if (auto s = msg.mark(i, queue::RcptStatus::Expired); !s)
            log::warn("%s: mark recipient <%s>: %s", msg.id().c_str(), log::printable(address).c_str(),
                      s.error().message.c_str());
        auto line = format_result_line(msg.id(), address, "none", msg.age_seconds(now_ts()), "4.4.7",
                                       "expired, returned to sender", reason);
        log::info("%s", line.c_str());
        bounce_hook_recipient_failed(msg, i, "4.4.7", reason);
    }
    flusher_.sync_file(msg.fd());
}

// One delay notice per message, after $delay_warning_time; the defer log
// remembers that it was sent (key kDelayWarnedKey), across restarts.
void Manager::warn_delay_once(const Message& msg, std::time_t now, std::map<std::string, std::string>& reasons) {
    const auto& s = settings_.bounce;
    if (s.delay_warning <= 0) return;
    bool warned = queue::read_defer_log(queue_, msg.id()).contains(std::string(kDelayWarnedKey));
    if (!warned && s.delay_warning > 0 && now - msg.arrival() >= s.delay_warning) {
        std::vector<Message::Failure> delayed;
        for (auto i : msg.pending()) {
            const std::string& why = reasons[msg.recipients()[i].address];
            auto sp = why.find(' ');
            bool coded = why.starts_with("4.") && sp != std::string::npos;
            delayed.push_back({i, coded ? why.substr(0, sp) : "4.0.0", coded ? why.substr(sp + 1) : why});
        }
        send_notice(msg, delayed, dsn::Action::Delayed, s, queue_.dir("private") + "/cleanup");
        warned = true;
    }
    if (warned) reasons[std::string(kDelayWarnedKey)] = "delay notice sent";
}

void Manager::retire(Message& msg) {
    msg.close();
    queue::remove_defer_log(queue_, msg.id());
    if (auto s = queue_.remove(queue::kActive, msg.id(), queue::Sync::later); !s) {
        log::warn("%s: remove: %s", msg.id().c_str(), s.error().message.c_str());
        return;
    }
    flusher_.sync_dir(queue_.dir(queue::kActive));
    log::info("%s: removed", msg.id().c_str());
}

// The next attempt time goes into the file before the move, so a file in
// deferred/ always carries it; a crash in between leaves it in active/,
// where recovery picks it up anyway.
void Manager::defer(Message& msg, std::time_t now) {
    std::time_t when = next_attempt_time(now, msg.arrival(), settings_.retry);
    // The reasons mailq and postern-queue show; advisory, so a failure only warns.
    std::map<std::string, std::string> reasons;
    for (auto i : msg.pending()) {
        auto it = msg.deferred_reasons().find(i);
        reasons[msg.recipients()[i].address] = it == msg.deferred_reasons().end() ? "delivery deferred" : it->second;
    }
    warn_delay_once(msg, now, reasons);
    if (auto s = queue::write_defer_log(queue_, msg.id(), reasons); !s)
        log::warn("%s: defer log: %s", msg.id().c_str(), s.error().message.c_str());
    if (auto s = set_next_attempt(msg.fd(), when, queue_.path(queue::kActive, msg.id())); !s)
        log::warn("%s: %s", msg.id().c_str(), s.error().message.c_str());
    msg.close();
    if (auto s = queue_.move(msg.id(), queue::kActive, queue::kDeferred, queue::Sync::later); !s)
        log::warn("%s: move to deferred: %s", msg.id().c_str(), s.error().message.c_str());
}

}  // namespace postern::qmgr
