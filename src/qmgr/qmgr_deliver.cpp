#include "qmgr_deliver.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "lib/base/log.hpp"
#include "lib/base/unique_fd.hpp"

namespace postern::qmgr {
namespace {

using Status_ = ipc::RecipientResult::Status;

bool valid_dsn(std::string_view dsn, char cls) {
    // class "." subject "." detail, each 1-3 digits (RFC 3463)
    if (dsn.size() < 5 || dsn[0] != cls || dsn[1] != '.') return false;
    int dots = 0, run = 0;
    for (std::size_t i = 2; i < dsn.size(); ++i) {
        char c = dsn[i];
        if (c == '.') {
            if (run == 0) return false;
            ++dots;
            run = 0;
        } else if (c >= '0' && c <= '9' && ++run <= 3) {
            continue;
        } else {
            return false;
        }
    }
    return dots == 1 && run > 0;
}

char dsn_class(Status_ s) {
    switch (s) {
        case Status_::Delivered: return '2';
        case Status_::Deferred: return '4';
        case Status_::Bounced: return '5';
    }
    return '4';
}

DeliveryOutcome failed(const DeliveryJob& job, std::string_view reason) {
    return DeliveryOutcome{job.id, defer_all(job.request, reason), false};
}

}  // namespace

std::vector<ipc::RecipientResult> defer_all(const ipc::DeliverRequest& request, std::string_view reason) {
    std::vector<ipc::RecipientResult> out;
    for (const auto& r : request.recipients)
        out.push_back(ipc::RecipientResult{r.offset, Status_::Deferred, "4.3.0", std::string(reason)});
    return out;
}

Result<std::vector<ipc::RecipientResult>> match_reply(const ipc::DeliverRequest& request,
                                                      const ipc::DeliverReply& reply) {
    if (reply.results.size() != request.recipients.size())
        return make_error("reply has " + std::to_string(reply.results.size()) + " results for " +
                          std::to_string(request.recipients.size()) + " recipients");
    std::map<std::int64_t, std::size_t> slot;
    for (std::size_t i = 0; i < request.recipients.size(); ++i) slot[request.recipients[i].offset] = i;
    std::vector<ipc::RecipientResult> out(request.recipients.size());
    std::set<std::int64_t> seen;
    for (const auto& res : reply.results) {
        auto it = slot.find(res.offset);
        if (it == slot.end()) return make_error("reply names unknown offset " + std::to_string(res.offset));
        if (!seen.insert(res.offset).second)
            return make_error("reply repeats offset " + std::to_string(res.offset));
        if (!res.dsn.empty() && !valid_dsn(res.dsn, dsn_class(res.status)))
            return make_error("reply has bad status code \"" + log::printable(res.dsn, 16) + "\"");
        out[it->second] = res;
        if (out[it->second].dsn.empty()) out[it->second].dsn = std::string(1, dsn_class(res.status)) + ".0.0";
    }
    return out;
}

DeliveryOutcome deliver_one(const DeliveryJob& job) {
    auto fd = ipc::connect_unix(job.socket_path, job.timeout);
    if (!fd) {
        log::warn("connect to transport %s: %s", job.socket_path.c_str(), fd.error().message.c_str());
        return failed(job, kTransportUnavailable);
    }
    if (auto s = ipc::send_msg(fd->get(), job.request, job.timeout); !s) {
        log::warn("%s: send request to %s: %s", job.request.queue_id.c_str(), job.socket_path.c_str(),
                  s.error().message.c_str());
        return failed(job, kAgentFailed);
    }
    auto reply = ipc::recv_msg<ipc::DeliverReply>(fd->get(), job.limits, job.timeout);
    if (!reply) {
        log::warn("%s: reply from %s: %s", job.request.queue_id.c_str(), job.socket_path.c_str(),
                  reply.error().message.c_str());
        return failed(job, kAgentFailed);
    }
    auto results = match_reply(job.request, *reply);
    if (!results) {
        log::warn("%s: malformed reply from %s: %s", job.request.queue_id.c_str(), job.socket_path.c_str(),
                  results.error().message.c_str());
        return failed(job, kAgentFailed);
    }
    return DeliveryOutcome{job.id, std::move(*results), true};
}

// A worker that found no job for this long ends; the next burst starts
// new ones. Starting a thread per request cost more CPU than the request.
constexpr auto kIdleThreadLife = std::chrono::seconds{60};

struct WorkerPool::Shared {
    std::mutex mu;
    std::condition_variable more;
    std::deque<DeliveryJob> jobs;
    int idle = 0;  // workers waiting for a job
    std::vector<DeliveryOutcome> done;
    UniqueFd read_end;
    UniqueFd write_end;

    void work() {
        std::unique_lock lock(mu);
        for (;;) {
            ++idle;
            bool got = more.wait_for(lock, kIdleThreadLife, [&] { return !jobs.empty(); });
            --idle;
            if (!got) return;
            DeliveryJob job = std::move(jobs.front());
            jobs.pop_front();
            lock.unlock();
            post(deliver_one(job));
            lock.lock();
        }
    }

    // Take job back from the queue if no worker has it yet.
    bool withdraw(std::uint64_t id) {
        std::lock_guard lock(mu);
        auto it = std::find_if(jobs.begin(), jobs.end(), [id](const DeliveryJob& j) { return j.id == id; });
        if (it == jobs.end()) return false;
        jobs.erase(it);
        return true;
    }

    void post(DeliveryOutcome outcome) {
        {
            std::lock_guard lock(mu);
            done.push_back(std::move(outcome));
        }
        // A full pipe already means "wake up"; the byte itself carries nothing.
        char b = 1;
        ssize_t n = ::write(write_end.get(), &b, 1);
        (void)n;
    }
};

Result<WorkerPool> WorkerPool::create() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return errno_error("qmgr wake-up pipe");
    auto shared = std::make_shared<Shared>();
    shared->read_end.reset(fds[0]);
    shared->write_end.reset(fds[1]);
    return WorkerPool(std::move(shared));
}

void WorkerPool::start(DeliveryJob job) {
    bool need_worker;
    {
        std::lock_guard lock(shared_->mu);
        shared_->jobs.push_back(job);
        need_worker = static_cast<std::size_t>(shared_->idle) < shared_->jobs.size();
    }
    shared_->more.notify_one();
    if (!need_worker) return;
    try {
        std::thread([shared = shared_] { shared->work(); }).detach();
    } catch (const std::system_error& e) {
        // The busy workers will get to it; unless none exists to take it.
        if (!shared_->withdraw(job.id)) return;
        log::warn("%s: cannot start delivery thread: %s", job.request.queue_id.c_str(), e.what());
        shared_->post(failed(job, kAgentFailed));
    }
}

std::vector<DeliveryOutcome> WorkerPool::take_finished() {
    char buf[256];
    while (::read(shared_->read_end.get(), buf, sizeof buf) > 0) {
    }
    std::lock_guard lock(shared_->mu);
    return std::exchange(shared_->done, {});
}

int WorkerPool::wake_fd() const { return shared_->read_end.get(); }

}  // namespace postern::qmgr
