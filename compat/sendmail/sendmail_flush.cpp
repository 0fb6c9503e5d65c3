// sendmail -q and -Q (see the header).
#include "sendmail_flush.hpp"

#include <fcntl.h>

#include <cstdio>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/queue/queue_status.hpp"
#include "sendmail_options.hpp"

namespace postern::sendmail {
namespace {

bool contains_icase(std::string_view hay, std::string_view needle) {
    return lowercase(hay).find(lowercase(needle)) != std::string::npos;
}

bool filter_matches(const QueueFilter& f, const std::string& id, const queue::Envelope& env) {
    switch (f.kind) {
        case 'I': return contains_icase(id, f.match);
        case 'S': return contains_icase(env.sender, f.match);
        default:
            for (const auto& r : env.recipients)
                if (r.status == queue::RcptStatus::Pending && contains_icase(r.address, f.match)) return true;
            return false;
    }
}

int trigger(const queue::QueueDir& q, char what, const std::string& program) {
    if (auto st = ipc::send_trigger(queue::qmgr_trigger_path(q), what); !st) {
        std::fprintf(stderr, "%s: cannot reach the queue manager: %s\n", program.c_str(), st.error().message.c_str());
        return ex::kUnavailable;
    }
    return ex::kOk;
}

std::optional<queue::QueueDir> open_queue(const Options& o, const config::Config& cfg, int& rc) {
    auto q = queue::QueueDir::open(cfg.get(config::params::queue_directory));
    if (q) return std::move(*q);
    std::fprintf(stderr, "%s: fatal: %s\n", o.program.c_str(), q.error().message.c_str());
    rc = ex::kUnavailable;
    return std::nullopt;
}

int error_code(const Error& e) {
    return e.sys_errno == EPERM || e.sys_errno == EACCES ? ex::kNoPerm : ex::kIoErr;
}

// Calls act(id) for each selected message in sub; the first failure ends it.
template <typename Act>
int for_selected(const Options& o, const queue::QueueDir& q, std::string_view sub, Act act) {
    auto ids = q.list(sub);
    if (!ids) {
        std::fprintf(stderr, "%s: fatal: cannot read the queue: %s\n", o.program.c_str(), ids.error().message.c_str());
        return ids.error().sys_errno == EACCES ? ex::kNoPerm : ex::kUnavailable;
    }
    for (const auto& id : *ids) {
        auto fd = open_checked(q.path(sub, id), O_RDONLY, 0, FileCheck{});
        auto env = fd ? queue::read_envelope(fd->get()) : Result<queue::Envelope>(fd.error());
        if (!env || !queue_selected(o.queue_filters, id, *env)) continue;
        if (auto st = act(id); !st) {
            std::fprintf(stderr, "%s: %s: %s\n", o.program.c_str(), id.c_str(), st.error().message.c_str());
            return error_code(st.error());
        }
    }
    return ex::kOk;
}

}  // namespace

bool queue_selected(const std::vector<QueueFilter>& filters, const std::string& id, const queue::Envelope& env) {
    for (const auto& f : filters)
        if (filter_matches(f, id, env) == f.negate) return false;
    return true;
}

int flush_queue(const Options& o, const config::Config& cfg) {
    int rc = ex::kOk;
    auto q = open_queue(o, cfg, rc);
    if (!q) return rc;
    if (o.queue_filters.empty()) return trigger(*q, queue::kTriggerFlush, o.program);
    rc = for_selected(o, *q, queue::kDeferred, [&](const std::string& id) { return queue::make_due(*q, queue::kDeferred, id); });
    if (rc != ex::kOk) return rc;
    return trigger(*q, queue::kTriggerScanDeferred, o.program);
}

int quarantine(const Options& o, const config::Config& cfg) {
    int rc = ex::kOk;
    auto q = open_queue(o, cfg, rc);
    if (!q) return rc;
    const std::string& reason = *o.quarantine_reason;
    if (reason.empty()) {
        rc = for_selected(o, *q, queue::kHold, [&](const std::string& id) -> Status {
            POSTERN_TRY(q->move(id, queue::kHold, queue::kDeferred));
            POSTERN_TRY(queue::make_due(*q, queue::kDeferred, id));
            std::printf("%s: released\n", id.c_str());
            return {};
        });
        if (rc == ex::kOk) (void)ipc::send_trigger(queue::qmgr_trigger_path(*q), queue::kTriggerScanDeferred);
        return rc;
    }
    for (auto sub : {queue::kIncoming, queue::kDeferred}) {
        rc = for_selected(o, *q, sub, [&](const std::string& id) -> Status {
            POSTERN_TRY(q->move(id, sub, queue::kHold));
            std::printf("%s: held: %s\n", id.c_str(), reason.c_str());
            return {};
        });
        if (rc != ex::kOk) return rc;
    }
    return rc;
}

}  // namespace postern::sendmail
