// The dead-destination cache in qmgr's memory, mirrored to
// $queue_directory/hoststat (lib/queue/queue_hoststat.hpp).
//
// A destination is declared dead when slow start says so (its failed
// cohorts reached the limit, qmgr_schedule.hpp). Until its retry time
// ($minimal_backoff_time later, as Postfix unthrottles a queue) every
// request for it is deferred at once with "4.4.1 delivery temporarily
// suspended: <last reason>" and no agent is asked to connect. After the
// retry time the entry is dropped and the destination starts again from
// $initial_destination_concurrency.
//
// Who else changes the cache: `sendmail -q` (the 'F' trigger) revives every
// destination, as Postfix's flush does; `sendmail -bH` / `postern-queue
// purgestat` remove the file and send 'H', on which qmgr reloads it.
// A file that cannot be written only costs a warning: the in-memory cache
// still works, the tools just do not see it.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <utility>

#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_hoststat.hpp"

namespace postern::qmgr {

class DeadDestinations {
public:
    explicit DeadDestinations(queue::QueueDir queue) : queue_(std::move(queue)) {}

    // Replace the in-memory set with the file's (start-up, 'H' trigger).
    void load();
    // The entry when the destination is dead at now; an expired entry is
    // dropped (and the file rewritten) instead.
    const queue::HostStatus* find(const std::string& transport, const std::string& destination, std::time_t now);
    void add(const std::string& transport, const std::string& destination, std::time_t now, std::time_t retry_at,
             std::string reason);
    // Forget every entry ('F' trigger).
    void revive_all();
    // Drop entries whose retry time has passed.
    void expire(std::time_t now);
    std::size_t size() const { return entries_.size(); }

private:
    void save();
    queue::QueueDir queue_;
    std::map<std::pair<std::string, std::string>, queue::HostStatus> entries_;
};

// "delivery temporarily suspended: <reason>", the text deferred recipients get.
std::string suspended_reason(const queue::HostStatus& dead);

}  // namespace postern::qmgr
