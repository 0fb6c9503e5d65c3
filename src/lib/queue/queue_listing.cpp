// Queue listing: one pass over each queue subdirectory in delivery order.
#include "lib/queue/queue_listing.hpp"

#include <fcntl.h>

#include <ctime>
#include <map>
#include <string_view>
#include <vector>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_file.hpp"
#include "lib/queue/queue_status.hpp"

namespace postern::queue {
namespace {

struct QueueSpec {
    std::string_view sub;
    char mark;
};

constexpr QueueSpec kQueues[] = {
    {kMaildrop, '^'}, {kIncoming, ' '}, {kActive, '*'},
    {kDeferred, ' '}, {kHold, '!'},
};

constexpr const char* kHeader =
    "-Queue ID--------------- --Size-- ----Arrival Time----  -Sender/Recipient-------\n";
constexpr int kRecipientColumn = 56;

struct Totals {
    std::uint64_t bytes = 0;
    std::size_t requests = 0;
};

std::string arrival_text(const struct timespec& when) {
    struct tm tm {};
    time_t secs = when.tv_sec;
    ::localtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S", &tm);
    return buf;
}

// One entry; a file that vanished since the listing is skipped, a damaged
// one is listed as such (as sendmail's mailq does, without complaint).
void print_entry(const QueueDir& q, const QueueSpec& spec, const std::string& id, std::FILE* out,
                 Totals& totals) {
    FileCheck check;
    auto fd = open_checked(q.path(spec.sub, id), O_RDONLY, 0, check);
    if (!fd && fd.error().sys_errno == ENOENT) return;
    if (totals.requests++ == 0) std::fputs(kHeader, out);
    std::string tagged = id + spec.mark;  // the mark sits right after the ID, as in Postfix
    auto env = fd ? read_envelope(fd->get()) : Result<Envelope>(fd.error());
    if (!env) {
        std::fprintf(out, "%-24s (damaged queue file: %s)\n\n", tagged.c_str(),
                     log::printable(env.error().message).c_str());
        return;
    }
    totals.bytes += env->content_size;
    std::string sender = env->sender.empty() ? "MAILER-DAEMON" : log::printable(env->sender);
    std::fprintf(out, "%-24s %8llu %-20s  %s\n", tagged.c_str(),
                 static_cast<unsigned long long>(env->content_size), arrival_text(env->arrival).c_str(),
                 sender.c_str());
    auto reasons = spec.sub == kDeferred ? read_defer_log(q, id) : std::map<std::string, std::string>{};
    std::string last_reason;
    for (const auto& r : env->recipients) {
        if (r.status != RcptStatus::Pending) continue;
        auto it = reasons.find(r.address);
        if (it != reasons.end() && it->second != last_reason) {
            last_reason = it->second;
            std::fprintf(out, "(%s)\n", log::printable(last_reason, 500).c_str());
        }
        std::fprintf(out, "%*s%s\n", kRecipientColumn, "", log::printable(r.address).c_str());
    }
    std::fputc('\n', out);
}

}  // namespace

int list_queue(const QueueDir& q, const std::string& program, std::FILE* out) {
    Totals totals;
    for (const auto& spec : kQueues) {
        auto ids = q.list(spec.sub);
        if (!ids) {
            std::fprintf(stderr, "%s: fatal: cannot read the queue: %s\n", program.c_str(),
                         ids.error().message.c_str());
            return ids.error().sys_errno == EACCES ? ex::kNoPerm : ex::kUnavailable;
        }
        for (const auto& id : *ids) print_entry(q, spec, id, out, totals);
    }
    if (totals.requests == 0) {
        std::fputs("Mail queue is empty\n", out);
        return ex::kOk;
    }
    std::fprintf(out, "-- %llu Kbytes in %zu Request%s.\n",
                 static_cast<unsigned long long>((totals.bytes + 1023) / 1024), totals.requests,
                 totals.requests == 1 ? "" : "s");
    return ex::kOk;
}

}  // namespace postern::queue
