#include "qmgr_scan.hpp"

#include <sys/stat.h>

#include <ctime>

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
    for (const auto& id : ids)
        if (!messages_.count(id)) load(id);
}

void Manager::scan_incoming() {
    backlog_ = false;
    for (const auto& id : list_incoming(queue_)) {
        if (!has_room()) {
            backlog_ = true;
            return;
        }
        activate(id, queue::kIncoming);
    }
}

void Manager::scan_deferred(std::time_t now) {
    dead_.expire(std::time(nullptr));  // keeps the hoststat file current
    concurrency_.forget_idle_failures();
    for (const auto& id : list_due_deferred(queue_, now)) {
        if (!has_room()) return;
        activate(id, queue::kDeferred);
    }
}

bool Manager::activate(const std::string& id, std::string_view from) {
    if (messages_.count(id)) return false;
    if (auto s = queue_.move(id, from, queue::kActive, queue::Sync::later); !s) {
        log::warn("%s: move to active: %s", id.c_str(), s.error().message.c_str());
        return false;
    }
    load(id);
    return true;
}

void Manager::load(const std::string& id) {
    Message::OpenError why;
    auto msg = Message::open(queue_.path(queue::kActive, id), id, settings_.read_limits, &why);
    if (!msg) {
        if (!why.corrupt) {
            log::warn("%s: %s", id.c_str(), why.error.message.c_str());
            return;
        }
        if (auto s = queue_.move_to_corrupt(id, queue::kActive, why.error.message); !s)
            log::warn("%s: %s", id.c_str(), s.error().message.c_str());
        return;
    }
    log::info("%s: from=<%s>, size=%llu, nrcpt=%zu (queue active)", id.c_str(),
              log::printable(msg->envelope().sender).c_str(),
              static_cast<unsigned long long>(msg->envelope().content_size), msg->recipients().size());
    auto [it, inserted] = messages_.emplace(id, std::move(*msg));
    plan(it->second);
}

}  // namespace postern::qmgr
