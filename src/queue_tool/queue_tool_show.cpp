// postern-queue show: one message as the administrator needs to see it.
#include <fcntl.h>

#include <ctime>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_file.hpp"
#include "lib/queue/queue_id.hpp"
#include "lib/queue/queue_status.hpp"
#include "queue_tool.hpp"

namespace postern::queue_tool {
namespace {

const char* status_word(queue::RcptStatus s) {
    switch (s) {
        case queue::RcptStatus::Pending: return "pending";
        case queue::RcptStatus::Delivered: return "delivered";
        case queue::RcptStatus::Bounced: return "bounced";
        case queue::RcptStatus::Expired: return "expired";
    }
    return "?";
}

void print_envelope(std::FILE* out, std::string_view where, const queue::Envelope& env,
                    const std::map<std::string, std::string>& reasons) {
    char when[64];
    struct tm tm {};
    std::time_t secs = env.arrival.tv_sec;
    ::localtime_r(&secs, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %z", &tm);
    std::fprintf(out, "queue: %s\narrival: %s\nsize: %llu\nsender: <%s>\n", std::string(where).c_str(), when,
                 static_cast<unsigned long long>(env.content_size), log::printable(env.sender).c_str());
    if (!env.full_name.empty()) std::fprintf(out, "full_name: %s\n", log::printable(env.full_name).c_str());
    for (const auto& [name, value] : env.attrs)
        std::fprintf(out, "attribute: %s=%s\n", log::printable(name).c_str(), log::printable(value).c_str());
    for (const auto& r : env.recipients) {
        std::fprintf(out, "recipient: <%s> %s", log::printable(r.address).c_str(), status_word(r.status));
        if (!r.notify.empty()) std::fprintf(out, " notify=%s", log::printable(r.notify).c_str());
        if (!r.orcpt.empty()) std::fprintf(out, " orcpt=%s", log::printable(r.orcpt).c_str());
        auto it = reasons.find(r.address);
        if (r.status == queue::RcptStatus::Pending && it != reasons.end())
            std::fprintf(out, " (%s)", log::printable(it->second, 500).c_str());
        std::fputc('\n', out);
    }
}

}  // namespace

int show_message(Invocation& inv, const std::string& id) {
    if (!queue::valid_queue_id(id)) {
        std::fprintf(inv.err, "postern-queue: %s: not a queue ID\n", id.c_str());
        return ex::kDataErr;
    }
    for (auto sub : {queue::kMaildrop, queue::kIncoming, queue::kActive, queue::kDeferred, queue::kHold}) {
        auto fd = open_checked(inv.queue.path(sub, id), O_RDONLY, 0, FileCheck{});
        if (!fd) continue;
        auto env = queue::read_envelope(fd->get());
        if (!env) {
            std::fprintf(inv.err, "postern-queue: %s: %s\n", id.c_str(), env.error().message.c_str());
            return ex::kDataErr;
        }
        print_envelope(inv.out, sub, *env, queue::read_defer_log(inv.queue, id));
        std::fputs("--- message ---\n", inv.out);
        auto st = queue::read_content(fd->get(), *env, [&](std::string_view chunk) -> Status {
            std::fwrite(chunk.data(), 1, chunk.size(), inv.out);
            return {};
        });
        if (!st) {
            std::fprintf(inv.err, "postern-queue: %s: %s\n", id.c_str(), st.error().message.c_str());
            return ex::kIoErr;
        }
        return ex::kOk;
    }
    std::fprintf(inv.err, "postern-queue: %s: no such message\n", id.c_str());
    return ex::kNoInput;
}

}  // namespace postern::queue_tool
