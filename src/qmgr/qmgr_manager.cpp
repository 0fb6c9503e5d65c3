#include "qmgr_manager.hpp"

#include <ctime>

#include "lib/base/log.hpp"
#include "lib/config/config.hpp"

namespace postern::qmgr {

Settings Settings::from_config(const config::Config& cfg, const std::vector<config::ServiceEntry>& services) {
    namespace p = config::params;
    Settings s;
    s.routing = RoutingTable::from_config(cfg);
    s.retry = RetryPolicy::from_config(cfg);
    s.limits = ConcurrencyLimits::from_config(cfg, services);
    s.active_limit = static_cast<std::size_t>(cfg.get(p::qmgr_message_active_limit));
    s.ipc_timeout = std::chrono::duration_cast<ipc::Millis>(cfg.get(p::ipc_timeout));
    s.ipc_limits.max_payload = static_cast<std::size_t>(cfg.get(p::ipc_message_size_limit));
    s.bounce = BounceSettings::from_config(cfg);
    s.tables = std::make_shared<RouteTables>(RouteTables::open(cfg, s.routing));
    return s;
}

Result<Manager> Manager::create(queue::QueueDir queue, Settings settings) {
    auto pool = WorkerPool::create();
    if (!pool) return pool.error();
    Manager m(std::move(queue), std::move(settings), std::move(*pool));
    m.dead_.load();
    return m;
}

void Manager::plan(Message& msg) {
    std::vector<RoutedRecipient> routed;
    for (auto i : msg.pending()) {
        const auto& addr = msg.recipients()[i].address;
        if (!settings_.tables) {
            routed.push_back(RoutedRecipient{i, addr, resolve_recipient(addr, settings_.routing)});
            continue;
        }
        auto d = decide_route(*settings_.tables, addr, settings_.routing);
        if (d.verdict) apply_result(msg, i, "none", *d.verdict);
        else routed.push_back(RoutedRecipient{i, addr, std::move(d.route)});
    }
    auto planned = plan_requests(msg.id(), routed, settings_.limits);
    msg.add_outstanding(static_cast<int>(planned.size()));
    std::time_t now = std::time(nullptr);
    for (auto& p : planned) {
        if (const auto* dead = dead_.find(p.route.transport, p.destination, now)) suspend(msg, p, *dead);
        else run_queue_.add(std::move(p));
    }
    // Nothing pending (all recipients finished before a crash): done now.
    finish_if_done(msg);
}

void Manager::start_deliveries() {
    if (stopping_) return;
    for (auto& planned : run_queue_.take_startable(concurrency_)) {
        auto job = make_job(messages_.at(planned.message_id), planned);
        running_.emplace(job.id, std::move(planned));
        pool_.start(std::move(job));
    }
}

void Manager::handle_finished() {
    for (const auto& outcome : pool_.take_finished()) {
        auto run = running_.find(outcome.job_id);
        if (run == running_.end()) continue;
        PlannedRequest planned = std::move(run->second);
        running_.erase(run);
        concurrency_.finished(planned.route.transport, planned.destination);
        auto it = messages_.find(planned.message_id);
        if (it != messages_.end()) {
            apply_outcome(it->second, planned, outcome);
            it->second.request_done();
            finish_if_done(it->second);
        }
        feedback(planned, outcome);
    }
}

void Manager::feedback(const PlannedRequest& planned, const DeliveryOutcome& outcome) {
    const auto& transport = planned.route.transport;
    const auto& dest = planned.destination;
    // qmgr's own failures (no agent, broken conversation) say nothing about the destination.
    if (outcome.agent_answered) {
        bool failed = is_site_failure(true, outcome.results);
        if (concurrency_.feedback(transport, dest, failed ? Feedback::SiteFailure : Feedback::Success)) {
            std::time_t now = std::time(nullptr);
            const auto& last = outcome.results.front();
            dead_.add(transport, dest, now, now + settings_.retry.minimal_backoff.count(), last.dsn + " " + last.reason);
            const auto* dead = dead_.find(transport, dest, now);
            for (auto& queued : run_queue_.take_destination(transport, dest)) {
                auto m = messages_.find(queued.message_id);
                if (m == messages_.end() || !dead) continue;
                suspend(m->second, queued, *dead);
                finish_if_done(m->second);
            }
        }
    }
    if (!run_queue_.has(transport, dest)) concurrency_.forget_if_idle(transport, dest);
}

void Manager::suspend(Message& msg, const PlannedRequest& planned, const queue::HostStatus& dead) {
    std::string reason = suspended_reason(dead);
    for (auto i : planned.recipients)
        apply_result(msg, i, "none", ipc::RecipientResult{0, ipc::RecipientResult::Status::Deferred, "4.4.1", reason});
    msg.request_done();
}

// Transport names come from main.conf; one that is not a plain file name
// yields no socket, so its mail is deferred as "transport unavailable".
std::string Manager::socket_path(const std::string& transport) const {
    if (transport.empty() || transport[0] == '.' || transport.find('/') != std::string::npos) return {};
    return queue_.dir("private") + "/" + transport;
}

DeliveryJob Manager::make_job(const Message& msg, const PlannedRequest& planned) {
    DeliveryJob job;
    job.id = next_job_++;
    job.socket_path = socket_path(planned.route.transport);
    job.timeout = settings_.ipc_timeout;
    job.limits = settings_.ipc_limits;
    auto& req = job.request;
    req.queue_id = msg.id();
    req.queue_file = std::string(queue::kActive) + "/" + msg.id();
    req.sender = msg.envelope().sender;
    req.nexthop = planned.route.nexthop;
    for (auto i : planned.recipients) {
        const auto& r = msg.recipients()[i];
        req.recipients.push_back(ipc::DeliverRecipient{r.address, r.orcpt, r.notify, r.status_offset});
    }
    return job;
}

}  // namespace postern::qmgr
