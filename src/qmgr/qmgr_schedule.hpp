// Scheduling bookkeeping for qmgr (main thread only, no I/O):
//  - ConcurrencyLimits: per transport at most its services.conf maxproc
//    ('-' = $default_process_limit) requests at once; per destination at
//    most $local_destination_concurrency_limit (local transport) or
//    $default_destination_concurrency_limit (others).
//  - Slow start (Postfix's default feedback): a destination's window starts
//    at $initial_destination_concurrency (never above its limit) and bounds
//    the requests in flight. Each finished request is feedback worth
//    1/window: a success (the agent reached the destination, whatever it
//    said about the recipients) adds it to a success credit, and a whole
//    credit raises the window by one (up to the limit): +1 per window of
//    successes. A site failure (is_site_failure) adds it to a failure
//    debit, and a whole debit lowers the window by one (never below 1),
//    and adds it to the failed cohorts, which any success resets to 0.
//    When they reach $destination_concurrency_failed_cohort_limit (default
//    1: "window" site failures in a row) the destination is dead
//    (qmgr_dead.hpp) and its window starts over. The state is dropped when
//    the destination has nothing in flight or queued, so the next burst
//    starts slow again; failed cohorts keep it until the next deferred
//    scan, so site failures one message at a time still add up.
//  - plan_requests: a message's pending recipients grouped by (transport,
//    nexthop) into requests of at most the transport's recipient limit.
//  - RunQueue: requests waiting for a free slot, served round-robin over
//    the destinations of each transport, one request per destination per
//    round, so one busy (or slow, or dead) destination cannot starve the
//    others.
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
#include "lib/ipc/messages.hpp"
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
    int initial_destination_concurrency = 5;
    int failed_cohort_limit = 1;  // 0: never declare a destination dead

    int transport_limit(const std::string& transport) const;
    int destination_limit(const std::string& transport) const;
    int recipient_limit(const std::string& transport) const;
    int initial_window(const std::string& transport) const;  // initial, clamped to [1, limit]

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

enum class Feedback { Success, SiteFailure };

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

    // The slow-start window (integer part) of a destination.
    int window(const std::string& transport, const std::string& destination) const;
    // Apply one finished request's feedback; true when the destination has
    // just reached the failed cohort limit (the caller declares it dead and
    // the window starts again from the initial value).
    bool feedback(const std::string& transport, const std::string& destination, Feedback f);
    // Drop a destination's state if nothing is in flight (its queue is
    // empty), unless it carries failed cohorts: a down site that gets one
    // message at a time must still add up to dead.
    void forget_if_idle(const std::string& transport, const std::string& destination);
    // Drop every idle state, failures included (each deferred-queue scan,
    // so an idle failure is remembered for up to $queue_run_delay).
    void forget_idle_failures();
    std::size_t tracked_destinations() const { return by_destination_.size(); }

private:
    struct Destination {
        int in_flight = 0;
        int window = 1;
        double success = 0;  // fractions of a slot gained since the window last moved
        double failure = 0;  // fractions of a slot lost
        double failed_cohorts = 0;
    };
    Destination& state(const std::string& transport, const std::string& destination);

    ConcurrencyLimits limits_;
    std::map<std::string, int> by_transport_;
    std::map<std::pair<std::string, std::string>, Destination> by_destination_;
    int total_ = 0;
};

// A finished request that says the destination could not be reached at
// all: the agent answered, and every recipient was deferred with 4.4.1 (no
// server usable: refused, timed out, 421/4xx greeting, lost connection) or
// 4.4.3 (DNS temporary failure). 4xx replies to MAIL/RCPT/DATA are not site
// failures: the destination answered.
bool is_site_failure(bool agent_answered, const std::vector<ipc::RecipientResult>& results);

class RunQueue {
public:
    void add(PlannedRequest request);
    // Remove and return every request that may start now, recording each in
    // concurrency as started.
    std::vector<PlannedRequest> take_startable(Concurrency& concurrency);
    std::size_t size() const { return size_; }
    bool has(const std::string& transport, const std::string& destination) const;
    // Remove and return every queued request for one destination (it died).
    std::vector<PlannedRequest> take_destination(const std::string& transport, const std::string& destination);

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
