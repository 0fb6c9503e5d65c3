// sendmail -q (see the header).
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

int trigger(const queue::QueueDir& q, char what, const std::string& program) {
    if (auto st = ipc::send_trigger(queue::qmgr_trigger_path(q), what); !st) {
        std::fprintf(stderr, "%s: cannot reach the queue manager: %s\n", program.c_str(), st.error().message.c_str());
        return ex::kUnavailable;
    }
    return ex::kOk;
}

}  // namespace

bool queue_selected(char select, const std::string& match, const std::string& id, const queue::Envelope& env) {
    switch (select) {
        case 'I': return contains_icase(id, match);
        case 'S': return contains_icase(env.sender, match);
        case 'R':
            for (const auto& r : env.recipients)
                if (r.status == queue::RcptStatus::Pending && contains_icase(r.address, match)) return true;
            return false;
        default: return true;
    }
}

int flush_queue(const Options& o, const config::Config& cfg) {
    auto q = queue::QueueDir::open(cfg.get(config::params::queue_directory));
    if (!q) {
        std::fprintf(stderr, "%s: fatal: %s\n", o.program.c_str(), q.error().message.c_str());
        return ex::kUnavailable;
    }
    if (o.queue_select == 0) return trigger(*q, queue::kTriggerFlush, o.program);
    auto ids = q->list(queue::kDeferred);
    if (!ids) {
        std::fprintf(stderr, "%s: fatal: cannot read the queue: %s\n", o.program.c_str(), ids.error().message.c_str());
        return ids.error().sys_errno == EACCES ? ex::kNoPerm : ex::kUnavailable;
    }
    for (const auto& id : *ids) {
        auto fd = open_checked(q->path(queue::kDeferred, id), O_RDONLY, 0, FileCheck{});
        auto env = fd ? queue::read_envelope(fd->get()) : Result<queue::Envelope>(fd.error());
        if (!env || !queue_selected(o.queue_select, o.queue_match, id, *env)) continue;
        if (auto st = queue::make_due(*q, queue::kDeferred, id); !st) {
            std::fprintf(stderr, "%s: %s: %s\n", o.program.c_str(), id.c_str(), st.error().message.c_str());
            return st.error().sys_errno == EPERM || st.error().sys_errno == EACCES ? ex::kNoPerm : ex::kIoErr;
        }
    }
    return trigger(*q, queue::kTriggerScanDeferred, o.program);
}

}  // namespace postern::sendmail
