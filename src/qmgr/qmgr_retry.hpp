// Retry timing for deferred messages, as Postfix's qmgr does it: the wait
// before the next attempt grows with the message's age, clamped to
// [$minimal_backoff_time, $maximal_backoff_time]; a message older than
// $maximal_queue_lifetime whose attempt deferred again is returned.
// The next-attempt time is stored as the queue file's mtime (the deferred
// scan starts a file once its mtime has passed), so it survives restarts.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

#include "lib/base/result.hpp"

namespace postern::config {
class Config;
}

namespace postern::qmgr {

struct RetryPolicy {
    std::chrono::seconds minimal_backoff{300};
    std::chrono::seconds maximal_backoff{4000};
    std::chrono::seconds max_lifetime{5 * 86400};

    static RetryPolicy from_config(const config::Config& cfg);
};

// clamp(age, minimal, maximal); a negative age (clock stepped back) gives minimal.
std::chrono::seconds backoff_delay(std::chrono::seconds age, const RetryPolicy& policy);
std::time_t next_attempt_time(std::time_t now, std::time_t arrival, const RetryPolicy& policy);
// True when the message has been queued for at least max_lifetime (0: after
// the first failed attempt, as in Postfix).
bool lifetime_exceeded(std::time_t now, std::time_t arrival, const RetryPolicy& policy);
// A deferred file whose mtime (next attempt) has come.
bool retry_due(std::time_t mtime, std::time_t now);
// Set the file's atime and mtime to when (futimens); path only for the message.
Status set_next_attempt(int fd, std::time_t when, const std::string& path);

}  // namespace postern::qmgr
