// The worker side of qmgr: one delivery request, run on its own thread.
//
// deliver_one connects to $queue_directory/private/TRANSPORT, sends one
// DeliverRequest and waits for one DeliverReply (each step bounded by
// $ipc_timeout). It never touches the queue file and never throws: any
// failure becomes a Deferred result for every recipient of the request:
//   socket missing / connection refused  -> 4.3.0 mail transport unavailable
//   broken or timed-out conversation, malformed reply -> 4.3.0 delivery agent failed
// A reply is well-formed only with exactly one result per requested
// recipient offset (no unknown, missing or repeated offsets).
//
// WorkerPool runs requests on detached worker threads, started when no idle
// worker is free (so there are never more than the scheduler lets run at
// once) and ended after a minute without work. Outcomes come back through
// a mutex-guarded list plus a self-pipe the main loop polls. Its shared
// state outlives the pool, so a worker still blocked at shutdown can
// finish harmlessly.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::qmgr {

inline constexpr std::string_view kTransportUnavailable = "mail transport unavailable";
inline constexpr std::string_view kAgentFailed = "delivery agent failed";

struct DeliveryJob {
    std::uint64_t id = 0;
    std::string socket_path;
    ipc::DeliverRequest request;
    ipc::Millis timeout{3600 * 1000};
    ipc::Limits limits;
};

struct DeliveryOutcome {
    std::uint64_t job_id = 0;
    // One per request recipient, in request order.
    std::vector<ipc::RecipientResult> results;
    bool agent_answered = false;  // false: results were made up by qmgr
};

DeliveryOutcome deliver_one(const DeliveryJob& job);

// Results in request order, or an error naming what is wrong with the reply.
Result<std::vector<ipc::RecipientResult>> match_reply(const ipc::DeliverRequest& request,
                                                      const ipc::DeliverReply& reply);
std::vector<ipc::RecipientResult> defer_all(const ipc::DeliverRequest& request, std::string_view reason);

class WorkerPool {
public:
    static Result<WorkerPool> create();
    // Run job on a worker; if no worker can be had, the job is deferred at once.
    void start(DeliveryJob job);
    // Drain the wake-up pipe and return every finished outcome.
    std::vector<DeliveryOutcome> take_finished();
    int wake_fd() const;

    struct Shared;

private:
    explicit WorkerPool(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
    std::shared_ptr<Shared> shared_;
};

}  // namespace postern::qmgr
