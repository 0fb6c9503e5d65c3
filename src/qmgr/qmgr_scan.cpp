#include "qmgr_scan.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <ctime>
#include <iterator>

#include "lib/base/log.hpp"
#include "qmgr_manager.hpp"

namespace postern::qmgr {
namespace {

std::vector<std::string> list_or_warn(const queue::QueueDir& queue, std::string_view sub) {
    auto ids = queue.list(sub);
    if (!ids) {
        log::warn("scan %s: %s", queue.dir(sub).c_str(), ids.error().message.c_str());
        return {};
    }
    return std::move(*ids);
}

std::deque<std::string> to_deque(std::vector<std::string> ids) {
    return std::deque<std::string>(std::make_move_iterator(ids.begin()), std::make_move_iterator(ids.end()));
}

}  // namespace

std::vector<std::string> list_incoming(const queue::QueueDir& queue) {
    return list_or_warn(queue, queue::kIncoming);
}

std::vector<std::string> list_due_deferred(const queue::QueueDir& queue, std::time_t now) {
    std::vector<std::string> due;
    for (auto& id : list_or_warn(queue, queue::kDeferred)) {
        struct stat st {};
        if (::lstat(queue.path(queue::kDeferred, id).c_str(), &st) != 0) continue;
        if (retry_due(st.st_mtime, now)) due.push_back(std::move(id));
    }
    return due;
}

void Manager::recover() {
    auto ids = list_or_warn(queue_, queue::kActive);
    if (!ids.empty()) log::info("recovering %zu message(s) left in active/", ids.size());
    std::size_t returned = 0;
    for (const auto& id : ids) {
        if (messages_.count(id)) continue;
        // Beyond the limit, a file goes back to incoming/ and waits its turn.
        if (has_room() && load(id)) continue;
        if (queue_.move(id, queue::kActive, queue::kIncoming, queue::Sync::later)) ++returned;
    }
    if (returned > 0) log::info("%zu recovered message(s) wait in incoming/ for room in active/", returned);
}

void Manager::scan_incoming() {
    if (incoming_todo_.empty()) incoming_todo_ = to_deque(list_incoming(queue_));
    activate_batch(incoming_todo_, queue::kIncoming);
}

void Manager::scan_deferred(std::time_t now) {
    dead_.expire(std::time(nullptr));  // keeps the hoststat file current
    concurrency_.forget_idle_failures();
    // A flush still being worked through covers what a timed scan would find.
    if (deferred_todo_.empty() || now >= deferred_due_) {
        deferred_todo_ = to_deque(list_due_deferred(queue_, now));
        deferred_due_ = now;
    }
    activate_batch(deferred_todo_, queue::kDeferred);
}

void Manager::continue_scans() {
    if (backlog_ready()) activate_batch(incoming_todo_, queue::kIncoming);
    if (deferred_ready()) activate_batch(deferred_todo_, queue::kDeferred);
}

void Manager::activate_batch(std::deque<std::string>& todo, std::string_view from) {
    for (std::size_t n = 0; n < kActivateBatch && has_room() && !todo.empty(); ++n) {
        std::string id = std::move(todo.front());
        todo.pop_front();
        if (!activate(id, from)) {
            // Out of descriptors or memory: the next periodic scan retries.
            log::warn("activation paused; %zu more message(s) wait in %.*s/", todo.size() + 1,
                      static_cast<int>(from.size()), from.data());
            todo.clear();
            return;
        }
    }
}

bool Manager::activate(const std::string& id, std::string_view from) {
    if (messages_.count(id)) return true;
    if (auto s = queue_.move(id, from, queue::kActive, queue::Sync::later); !s) {
        // Gone meanwhile (postern-queue, a second scan) is not worth a word.
        if (s.error().sys_errno != ENOENT)
            log::warn("%s: move to active: %s", id.c_str(), s.error().message.c_str());
        return true;
    }
    if (load(id)) return true;
    // Not loaded: give it back where it came from (a deferred file keeps
    // its time, so it is due again at once).
    if (auto s = queue_.move(id, queue::kActive, from, queue::Sync::later); !s)
        log::warn("%s: move back to %.*s: %s", id.c_str(), static_cast<int>(from.size()), from.data(),
                  s.error().message.c_str());
    return false;
}

bool Manager::load(const std::string& id) {
    Message::OpenError why;
    auto msg = Message::open(queue_.path(queue::kActive, id), id, settings_.read_limits, &why);
    if (!msg) {
        if (!why.corrupt) {
            log::warn("%s: %s", id.c_str(), why.error.message.c_str());
            return false;
        }
        if (auto s = queue_.move_to_corrupt(id, queue::kActive, why.error.message); !s)
            log::warn("%s: %s", id.c_str(), s.error().message.c_str());
        return true;
    }
    log::info("%s: from=<%s>, size=%llu, nrcpt=%zu (queue active)", id.c_str(),
              log::printable(msg->envelope().sender).c_str(),
              static_cast<unsigned long long>(msg->envelope().content_size), msg->recipients().size());
    auto [it, inserted] = messages_.emplace(id, std::move(*msg));
    plan(it->second);
    return true;
}

}  // namespace postern::qmgr
