// Scheduling bookkeeping for qmgr (main thread only, no I/O):
//  - ConcurrencyLimits: per transport at most its services.conf maxproc
//    ('-' = $default_process_limit) requests at once; per destination at
//    most $local_destination_concurrency_limit (local transport) or
//    $default_destination_concurrency_limit (others).
//  - plan_requests: a message's pending recipients grouped by (transport,
//    nexthop) into requests of at most the transport's recipient limit.
//  - RunQueue: requests waiting for a free slot, served round-robin over
//    the destinations of each transport so one busy destination cannot
//    starve the others.
// As in Postfix, a transport whose recipient limit is 1 counts concurrency
// per recipient (local: at most 2 deliveries to one mailbox at once), any
// other per next hop.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lib/config/services.hpp"
#include "qmgr_resolve.hpp"

namespace postern::config {
class Config;
}

namespace postern::qmgr {

struct ConcurrencyLimits {
    std::string local_transport = "local";
    std::map<std::string, int> process_limit;  // transport -> maxproc (0 = default)
    int default_process_limit = 100;
    int local_destination_concurrency = 2;
    int default_destination_concurrency = 20;
    int local_recipient_limit = 1;
    int default_recipient_limit = 50;

    int transport_limit(const std::string& transport) const;
    int destination_limit(const std::string& transport) const;
    int recipient_limit(const std::string& transport) const;

    static ConcurrencyLimits from_config(const config::Config& cfg,
                                         const std::vector<config::ServiceEntry>& services);
};

struct RoutedRecipient {
    std::size_t index;        // in the message's recipient list
    std::string address;
    Route route;
};

struct PlannedRequest {
    std::string message_id;
    Route route;
    std::string destination;           // concurrency key (nexthop or recipient)
    std::vector<std::size_t> recipients;
};

// Groups in order of first appearance; each group is split into chunks of
// at most limits.recipient_limit(transport).
std::vector<PlannedRequest> plan_requests(const std::string& message_id,
                                          const std::vector<RoutedRecipient>& recipients,
                                          const ConcurrencyLimits& limits);

class Concurrency {
public:
    explicit Concurrency(ConcurrencyLimits limits) : limits_(std::move(limits)) {}
    bool can_start(const std::string& transport, const std::string& destination) const;
    bool transport_full(const std::string& transport) const;
    void started(const std::string& transport, const std::string& destination);
    void finished(const std::string& transport, const std::string& destination);
    int in_flight(const std::string& transport) const;
    int in_flight(const std::string& transport, const std::string& destination) const;
    int total() const { return total_; }
    const ConcurrencyLimits& limits() const { return limits_; }

private:
    ConcurrencyLimits limits_;
    std::map<std::string, int> by_transport_;
    std::map<std::pair<std::string, std::string>, int> by_destination_;
    int total_ = 0;
};

class RunQueue {
public:
    void add(PlannedRequest request);
    // Remove and return every request that may start now, recording each in
    // concurrency as started.
    std::vector<PlannedRequest> take_startable(Concurrency& concurrency);
    std::size_t size() const { return size_; }

private:
    struct TransportQueue {
        std::map<std::string, std::deque<PlannedRequest>> by_destination;
        std::string last_served;  // round-robin cursor
    };
    void take_from(const std::string& transport, TransportQueue& q, Concurrency& c,
                   std::vector<PlannedRequest>& out);
    std::map<std::string, TransportQueue> transports_;
    std::size_t size_ = 0;
};

}  // namespace postern::qmgr
