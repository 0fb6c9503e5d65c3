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
    return !transport_full(transport) &&
           in_flight(transport, destination) < limits_.destination_limit(transport);
}

void Concurrency::started(const std::string& transport, const std::string& destination) {
    ++by_transport_[transport];
    ++by_destination_[{transport, destination}];
    ++total_;
}

void Concurrency::finished(const std::string& transport, const std::string& destination) {
    auto t = by_transport_.find(transport);
    if (t != by_transport_.end() && --t->second <= 0) by_transport_.erase(t);
    auto d = by_destination_.find({transport, destination});
    if (d != by_destination_.end() && --d->second <= 0) by_destination_.erase(d);
    if (total_ > 0) --total_;
}

int Concurrency::in_flight(const std::string& transport) const {
    auto it = by_transport_.find(transport);
    return it == by_transport_.end() ? 0 : it->second;
}

int Concurrency::in_flight(const std::string& transport, const std::string& destination) const {
    auto it = by_destination_.find({transport, destination});
    return it == by_destination_.end() ? 0 : it->second;
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

// One pass over the destinations, starting after the one served last, taking
// from each as many requests as its free slots allow.
void RunQueue::take_from(const std::string& transport, TransportQueue& q, Concurrency& c,
                         std::vector<PlannedRequest>& out) {
    auto& dests = q.by_destination;
    auto start = dests.upper_bound(q.last_served);
    std::vector<std::string> order;
    for (auto it = start; it != dests.end(); ++it) order.push_back(it->first);
    for (auto it = dests.begin(); it != start; ++it) order.push_back(it->first);
    for (const auto& dest : order) {
        if (c.transport_full(transport)) break;
        auto& dq = dests[dest];
        while (!dq.empty() && c.can_start(transport, dest)) {
            c.started(transport, dest);
            out.push_back(std::move(dq.front()));
            dq.pop_front();
            --size_;
            q.last_served = dest;
        }
        if (dq.empty()) dests.erase(dest);
    }
}

}  // namespace postern::qmgr
