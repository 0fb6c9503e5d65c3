// Building and submitting non-delivery notices (see the header).
#include "qmgr_bounce.hpp"

#include "lib/base/log.hpp"
#include "lib/config/config.hpp"
#include "lib/dsn/dsn_attrs.hpp"
#include "lib/dsn/dsn_notice.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::qmgr {
BounceSettings BounceSettings::from_config(const config::Config& cfg) {
    namespace p = config::params;
    BounceSettings s;
    s.myhostname = cfg.get(p::myhostname);
    s.notice_recipient = cfg.get(p::bounce_notice_recipient);
    s.size_limit = cfg.get(p::bounce_size_limit);
    s.delay_warning = static_cast<std::time_t>(cfg.get(p::delay_warning_time).count());
    s.timeout = std::chrono::duration_cast<ipc::Millis>(cfg.get(p::ipc_timeout));
    s.limits.max_payload = static_cast<std::size_t>(cfg.get(p::ipc_message_size_limit));
    return s;
}

NoticePlan plan_notice(const Message& msg, const std::vector<Message::Failure>& failures, dsn::Action action,
                       const BounceSettings& s, std::time_t now) {
    NoticePlan plan;
    const auto& env = msg.envelope();
    auto& r = plan.report;
    r = dsn::report_about(env, msg.id(), s.myhostname, now);
    for (const auto& f : failures) {
        const auto& rc = msg.recipients()[f.index];
        if (!dsn::wants_notice(rc.notify, action)) continue;
        r.recipients.push_back(dsn::RecipientStatus{rc.address, rc.orcpt, action, f.dsn, f.reason});
    }
    if (r.recipients.empty()) {
        plan.why_not = "NOTIFY asks for no notice";
        return plan;
    }
    std::string origin = dsn::envelope_attr(env, "origin");
    if (env.sender.empty() && (origin == "double-bounce" || action == dsn::Action::Delayed)) {
        plan.why_not = "undeliverable notice from the mail system itself";
        return plan;
    }
    plan.send = true;
    plan.origin = env.sender.empty() ? "double-bounce" : "bounce";
    r.to = env.sender.empty() ? s.notice_recipient : env.sender;
    r.headers_only = r.headers_only || env.sender.empty() || action == dsn::Action::Delayed;
    return plan;
}

void send_notice(const Message& msg, const std::vector<Message::Failure>& failures, dsn::Action action,
                 const BounceSettings& s, const std::string& cleanup_socket) {
    NoticePlan plan = plan_notice(msg, failures, action, s, std::time(nullptr));
    const char* kind = action == dsn::Action::Failed ? "non-delivery" : "delay";
    if (!plan.send) {
        log::info("%s: no %s notification: %s", msg.id().c_str(), kind, plan.why_not.c_str());
        return;
    }
    plan.report.original = dsn::returned_original(msg.fd(), msg.envelope(), plan.report.headers_only, s.size_limit,
                                                  plan.report.truncated);
    auto r = dsn::submit_notice({cleanup_socket, s.timeout, s.limits}, plan.origin, plan.report);
    if (r.kind != ipc::CleanupResult::Kind::Ok) {
        log::warn("%s: cannot send %s notification to <%s>: %s", msg.id().c_str(), kind,
                  log::printable(plan.report.to).c_str(), r.reason.c_str());
        return;
    }
    log::info("%s: sender %s notification: %s", msg.id().c_str(), kind, r.queue_id.c_str());
}

}  // namespace postern::qmgr
