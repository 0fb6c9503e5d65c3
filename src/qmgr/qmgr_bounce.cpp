// Building and submitting non-delivery notices (see the header).
#include "qmgr_bounce.hpp"

#include "lib/base/log.hpp"
#include "lib/config/config.hpp"
#include "lib/dsn/dsn_attrs.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::qmgr {
namespace {

constexpr std::size_t kChunk = 65536;

// The original as returned: headers only, or the content cut at limit.
std::string read_original(const Message& msg, bool headers_only, std::uint64_t limit, bool& truncated) {
    std::string text;
    truncated = false;
    auto st = queue::read_content(msg.fd(), msg.envelope(), [&](std::string_view chunk) -> Status {
        std::size_t room = limit > text.size() ? static_cast<std::size_t>(limit - text.size()) : 0;
        text.append(chunk.substr(0, room));
        if (chunk.size() > room) {
            truncated = true;
            return make_error("enough");
        }
        if (headers_only && text.find("\n\n") != std::string::npos) return make_error("enough");
        return {};
    });
    (void)st;  // "enough" stops early; a read error leaves what was read
    if (headers_only) {
        text = std::string(dsn::header_block(text));
        truncated = false;
    }
    return text;
}

Result<std::string> submit(const std::string& socket, const std::string& origin, const std::string& to,
                           const std::string& text, const BounceSettings& s) {
    auto fd = ipc::connect_unix(socket, s.timeout);
    if (!fd) return fd.error();
    ipc::CleanupOpen open;
    open.origin = origin;
    open.recipients.push_back(to);
    POSTERN_TRY(ipc::send_msg(fd->get(), open, s.timeout));
    for (std::size_t off = 0; off < text.size(); off += kChunk)
        POSTERN_TRY(ipc::send_msg(fd->get(), ipc::CleanupData{text.substr(off, kChunk)}, s.timeout));
    POSTERN_TRY(ipc::send_msg(fd->get(), ipc::CleanupEnd{}, s.timeout));
    auto reply = ipc::recv_msg<ipc::CleanupReply>(fd->get(), s.limits, s.timeout);
    if (!reply) return reply.error();
    if (reply->status != ipc::CleanupReply::Status::Ok) return make_error(reply->dsn + " " + reply->reason);
    return reply->queue_id;
}

}  // namespace

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
    r.reporting_mta = s.myhostname;
    r.queue_id = msg.id();
    r.envid = dsn::envelope_attr(env, dsn::kEnvidAttr);
    r.sender = env.sender;
    r.to = env.sender.empty() ? s.notice_recipient : env.sender;
    r.arrival = env.arrival.tv_sec;
    r.now = now;
    r.headers_only = env.sender.empty() || action == dsn::Action::Delayed ||
                     dsn::envelope_attr(env, dsn::kRetAttr) == "HDRS";
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
    plan.report.original = read_original(msg, plan.report.headers_only, s.size_limit, plan.report.truncated);
    auto id = submit(cleanup_socket, plan.origin, plan.report.to, dsn::build_report(plan.report), s);
    if (!id) {
        log::warn("%s: cannot send %s notification to <%s>: %s", msg.id().c_str(), kind,
                  log::printable(plan.report.to).c_str(), id.error().message.c_str());
        return;
    }
    log::info("%s: sender %s notification: %s", msg.id().c_str(), kind, id->c_str());
}

}  // namespace postern::qmgr
