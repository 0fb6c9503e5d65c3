#include "qmgr_schedule.hpp"

#include <algorithm>

#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"

namespace postern::qmgr {

int ConcurrencyLimits::transport_limit(const std::string& transport) const {
    auto it = process_limit.find(transport);
    if (it == process_limit.end() || it->second <= 0) return default_process_limit;
    return it->second;
}

int ConcurrencyLimits::destination_limit(const std::string& transport) const {
    return transport == local_transport ? local_destination_concurrency : default_destination_concurrency;
}

int ConcurrencyLimits::recipient_limit(const std::string& transport) const {
    return transport == local_transport ? local_recipient_limit : default_recipient_limit;
}

int ConcurrencyLimits::initial_window(const std::string& transport) const {
    return std::clamp(initial_destination_concurrency, 1, std::max(1, destination_limit(transport)));
}

ConcurrencyLimits ConcurrencyLimits::from_config(const config::Config& cfg,
                                                 const std::vector<config::ServiceEntry>& services) {
    namespace p = config::params;
    ConcurrencyLimits l;
    l.local_transport = cfg.get(p::local_transport);
    for (const auto& s : services) l.process_limit[s.name] = s.max_proc;
    l.default_process_limit = static_cast<int>(cfg.get(p::default_process_limit));
    l.local_destination_concurrency = static_cast<int>(cfg.get(p::local_destination_concurrency_limit));
    l.default_destination_concurrency = static_cast<int>(cfg.get(p::default_destination_concurrency_limit));
    l.local_recipient_limit = static_cast<int>(cfg.get(p::local_destination_recipient_limit));
    l.default_recipient_limit = static_cast<int>(cfg.get(p::default_destination_recipient_limit));
    l.initial_destination_concurrency = static_cast<int>(cfg.get(p::initial_destination_concurrency));
    l.failed_cohort_limit = static_cast<int>(cfg.get(p::destination_concurrency_failed_cohort_limit));
    return l;
}

std::vector<PlannedRequest> plan_requests(const std::string& message_id,
                                          const std::vector<RoutedRecipient>& recipients,
                                          const ConcurrencyLimits& limits) {
    std::vector<PlannedRequest> out;
    std::map<std::pair<std::string, std::string>, std::size_t> open;  // route -> last chunk
    for (const auto& r : recipients) {
        auto limit = static_cast<std::size_t>(std::max(1, limits.recipient_limit(r.route.transport)));
        std::pair<std::string, std::string> key{r.route.transport, r.route.nexthop};
        auto it = open.find(key);
        if (it == open.end() || out[it->second].recipients.size() >= limit) {
            PlannedRequest req{message_id, r.route, r.route.nexthop, {}};
            if (limit == 1) req.destination = lowercase(r.address);
            out.push_back(std::move(req));
            open[key] = out.size() - 1;
        }
        out[open[key]].recipients.push_back(r.index);
    }
    return out;
}

bool Concurrency::transport_full(const std::string& transport) const {
    return in_flight(transport) >= limits_.transport_limit(transport);
}

bool Concurrency::can_start(const std::string& transport, const std::string& destination) const {
    return !transport_full(transport) && in_flight(transport, destination) < window(transport, destination);
}

Concurrency::Destination& Concurrency::state(const std::string& transport, const std::string& destination) {
    auto [it, inserted] = by_destination_.try_emplace({transport, destination});
    if (inserted) it->second.window = limits_.initial_window(transport);
    return it->second;
}

void Concurrency::started(const std::string& transport, const std::string& destination) {
    ++by_transport_[transport];
    ++state(transport, destination).in_flight;
    ++total_;
}

void Concurrency::finished(const std::string& transport, const std::string& destination) {
    auto t = by_transport_.find(transport);
    if (t != by_transport_.end() && --t->second <= 0) by_transport_.erase(t);
    auto d = by_destination_.find({transport, destination});
    if (d != by_destination_.end() && d->second.in_flight > 0) --d->second.in_flight;
    if (total_ > 0) --total_;
}

int Concurrency::in_flight(const std::string& transport) const {
    auto it = by_transport_.find(transport);
    return it == by_transport_.end() ? 0 : it->second;
}

int Concurrency::in_flight(const std::string& transport, const std::string& destination) const {
    auto it = by_destination_.find({transport, destination});
    return it == by_destination_.end() ? 0 : it->second.in_flight;
}

int Concurrency::window(const std::string& transport, const std::string& destination) const {
    auto it = by_destination_.find({transport, destination});
    return it == by_destination_.end() ? limits_.initial_window(transport) : it->second.window;
}

// The fractions accumulate until they make a whole slot (the epsilon keeps
// n steps of 1/n from falling short of 1).
bool Concurrency::feedback(const std::string& transport, const std::string& destination, Feedback f) {
    constexpr double kWhole = 1 - 1e-9;
    auto& d = state(transport, destination);
    double step = 1.0 / d.window;
    if (f == Feedback::Success) {
        d.failed_cohorts = 0;
        d.success += step;
        if (d.success >= kWhole) {
            d.window = std::min(std::max(1, limits_.destination_limit(transport)), d.window + 1);
            d.success = d.failure = 0;
        }
        return false;
    }
    d.failed_cohorts += step;
    d.failure += step;
    if (d.failure >= kWhole) {
        d.window = std::max(1, d.window - 1);
        d.success = d.failure = 0;
    }
    if (limits_.failed_cohort_limit <= 0 || d.failed_cohorts < limits_.failed_cohort_limit * kWhole) return false;
    d = Destination{d.in_flight, limits_.initial_window(transport)};
    return true;
}

void Concurrency::forget_if_idle(const std::string& transport, const std::string& destination) {
    auto d = by_destination_.find({transport, destination});
    if (d != by_destination_.end() && d->second.in_flight == 0 && d->second.failed_cohorts == 0)
        by_destination_.erase(d);
}

void Concurrency::forget_idle_failures() {
    std::erase_if(by_destination_, [](const auto& kv) { return kv.second.in_flight == 0; });
}

bool is_site_failure(bool agent_answered, const std::vector<ipc::RecipientResult>& results) {
    if (!agent_answered || results.empty()) return false;
    for (const auto& r : results)
        if (r.status != ipc::RecipientResult::Status::Deferred || (r.dsn != "4.4.1" && r.dsn != "4.4.3")) return false;
    return true;
}

void RunQueue::add(PlannedRequest request) {
    auto& q = transports_[request.route.transport];
    q.by_destination[request.destination].push_back(std::move(request));
    ++size_;
}

std::vector<PlannedRequest> RunQueue::take_startable(Concurrency& concurrency) {
    std::vector<PlannedRequest> out;
    for (auto it = transports_.begin(); it != transports_.end();) {
        take_from(it->first, it->second, concurrency, out);
        it = it->second.by_destination.empty() ? transports_.erase(it) : std::next(it);
    }
    return out;
}

bool RunQueue::has(const std::string& transport, const std::string& destination) const {
    auto t = transports_.find(transport);
    return t != transports_.end() && t->second.by_destination.contains(destination);
}

std::vector<PlannedRequest> RunQueue::take_destination(const std::string& transport, const std::string& destination) {
    std::vector<PlannedRequest> out;
    auto t = transports_.find(transport);
    if (t == transports_.end()) return out;
    auto d = t->second.by_destination.find(destination);
    if (d == t->second.by_destination.end()) return out;
    for (auto& r : d->second) out.push_back(std::move(r));
    size_ -= out.size();
    t->second.by_destination.erase(d);
    if (t->second.by_destination.empty()) transports_.erase(t);
    return out;
}

// Rounds over the destinations, starting after the one served last, one
// request per destination per round, until a round starts nothing: free
// slots are shared out evenly instead of going to whichever destination
// comes first.
void RunQueue::take_from(const std::string& transport, TransportQueue& q, Concurrency& c,
                         std::vector<PlannedRequest>& out) {
    auto& dests = q.by_destination;
    auto start = dests.upper_bound(q.last_served);
    std::vector<std::string> order;
    for (auto it = start; it != dests.end(); ++it) order.push_back(it->first);
    for (auto it = dests.begin(); it != start; ++it) order.push_back(it->first);
    for (bool progress = true; progress;) {
        progress = false;
        for (const auto& dest : order) {
            if (c.transport_full(transport)) return;
            auto it = dests.find(dest);
            if (it == dests.end() || !c.can_start(transport, dest)) continue;
            c.started(transport, dest);
            out.push_back(std::move(it->second.front()));
            it->second.pop_front();
            if (it->second.empty()) dests.erase(it);
            --size_;
            q.last_served = dest;
            progress = true;
        }
    }
}

}  // namespace postern::qmgr
