// The postern-queue commands, one handler each (see queue_tool.hpp).
#include <algorithm>
#include <string_view>

#include "lib/base/sysexits.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/queue/queue_id.hpp"
#include "lib/queue/queue_listing.hpp"
#include "lib/queue/queue_status.hpp"
#include "lib/queue/queue_hoststat.hpp"
#include "queue_tool.hpp"

namespace postern::queue_tool {
namespace {

// Where each command may find a message, in order.
struct Move {
    std::vector<std::string_view> from;
    std::string_view to;  // "" = delete
    std::string_view verb;
    char trigger;         // 0: none
};

const std::vector<std::string_view> kAnyButActive{queue::kMaildrop, queue::kIncoming, queue::kDeferred,
                                                  queue::kHold};

// Where id is now ("" when nowhere).
std::string_view locate(const queue::QueueDir& q, const std::string& id) {
    for (auto sub : {queue::kMaildrop, queue::kIncoming, queue::kActive, queue::kDeferred, queue::kHold}) {
        auto ids = q.list(sub);
        if (ids && std::find(ids->begin(), ids->end(), id) != ids->end()) return sub;
    }
    return {};
}

std::vector<std::string> expand_all(const queue::QueueDir& q, const Move& m, const std::vector<std::string>& ids) {
    if (!(ids.size() == 1 && ids.front() == "ALL")) return ids;
    std::vector<std::string> out;
    for (auto sub : m.from)
        if (auto list = q.list(sub)) out.insert(out.end(), list->begin(), list->end());
    return out;
}

// One message; returns its sysexits code.
int apply_one(Invocation& inv, const Move& m, const std::string& id) {
    if (!queue::valid_queue_id(id)) {
        std::fprintf(inv.err, "postern-queue: %s: not a queue ID\n", id.c_str());
        return ex::kDataErr;
    }
    std::string_view where = locate(inv.queue, id);
    if (where.empty()) {
        std::fprintf(inv.err, "postern-queue: %s: no such message\n", id.c_str());
        return ex::kNoInput;
    }
    if (std::find(m.from.begin(), m.from.end(), where) == m.from.end()) {
        std::fprintf(inv.err, "postern-queue: %s: message is in %s/ (%s)\n", id.c_str(), std::string(where).c_str(),
                     where == queue::kActive ? "being delivered: try again later" : "nothing to do");
        return where == queue::kActive ? ex::kTempFail : ex::kDataErr;
    }
    Status st = m.to.empty() ? inv.queue.remove(where, id) : inv.queue.move(id, where, m.to);
    if (st && m.to == queue::kDeferred) st = queue::make_due(inv.queue, queue::kDeferred, id);
    if (!st) {
        std::fprintf(inv.err, "postern-queue: %s: %s\n", id.c_str(), st.error().message.c_str());
        return ex::kIoErr;
    }
    if (m.to.empty() || m.to == queue::kIncoming) queue::remove_defer_log(inv.queue, id);
    std::fprintf(inv.out, "%s: %s\n", id.c_str(), std::string(m.verb).c_str());
    return ex::kOk;
}

int apply_moves(Invocation& inv, const Move& m) {
    if (inv.ids.empty()) {
        std::fprintf(inv.err, "postern-queue: name queue IDs or ALL\n");
        return ex::kUsage;
    }
    int rc = ex::kOk;
    std::size_t done = 0;
    for (const auto& id : expand_all(inv.queue, m, inv.ids)) {
        int r = apply_one(inv, m, id);
        if (r == ex::kOk) ++done;
        else rc = r;
    }
    if (done > 0 && m.trigger) {
        // Best effort: qmgr also finds the files by its own scans.
        auto st = ipc::send_trigger(queue::qmgr_trigger_path(inv.queue), m.trigger);
        (void)st;
    }
    return rc;
}

int cmd_list(Invocation& inv) { return queue::list_queue(inv.queue, "postern-queue", inv.out); }

int cmd_show(Invocation& inv) {
    if (inv.ids.size() != 1) {
        std::fprintf(inv.err, "postern-queue: show takes one queue ID\n");
        return ex::kUsage;
    }
    return show_message(inv, inv.ids.front());
}

int cmd_hold(Invocation& inv) { return apply_moves(inv, {{queue::kIncoming, queue::kDeferred}, queue::kHold, "held", 0}); }
int cmd_release(Invocation& inv) {
    return apply_moves(inv, {{queue::kHold}, queue::kDeferred, "released", queue::kTriggerScanDeferred});
}
int cmd_requeue(Invocation& inv) {
    return apply_moves(inv, {{queue::kDeferred, queue::kHold}, queue::kIncoming, "requeued", queue::kTriggerNewMail});
}
int cmd_delete(Invocation& inv) { return apply_moves(inv, {kAnyButActive, "", "deleted", 0}); }
int cmd_hoststat(Invocation& inv) { return queue::print_host_status(inv.queue, "postern-queue", inv.out); }
int cmd_purgestat(Invocation& inv) { return queue::purge_host_status_command(inv.queue, "postern-queue"); }

struct Command {
    std::string_view name;
    int (*run)(Invocation&);
};

constexpr Command kCommands[] = {
    {"list", cmd_list},       {"show", cmd_show},       {"hold", cmd_hold},
    {"release", cmd_release}, {"requeue", cmd_requeue}, {"delete", cmd_delete},
    {"hoststat", cmd_hoststat}, {"purgestat", cmd_purgestat},
};

}  // namespace

bool known_command(const std::string& name) {
    for (const auto& c : kCommands)
        if (c.name == name) return true;
    return false;
}

int run_command(const std::string& name, Invocation& inv) {
    for (const auto& c : kCommands)
        if (c.name == name) return c.run(inv);
    std::fprintf(inv.err, "postern-queue: unknown command \"%s\"\n", name.c_str());
    return ex::kUsage;
}

}  // namespace postern::queue_tool
