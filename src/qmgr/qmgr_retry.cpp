#include "qmgr_retry.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "lib/config/config.hpp"

namespace postern::qmgr {

RetryPolicy RetryPolicy::from_config(const config::Config& cfg) {
    namespace p = config::params;
    RetryPolicy r;
    r.minimal_backoff = cfg.get(p::minimal_backoff_time);
    // An admin who sets maximal below minimal gets minimal, not a negative clamp range.
    r.maximal_backoff = std::max(cfg.get(p::maximal_backoff_time), r.minimal_backoff);
    r.max_lifetime = cfg.get(p::maximal_queue_lifetime);
    return r;
}

std::chrono::seconds backoff_delay(std::chrono::seconds age, const RetryPolicy& policy) {
    auto hi = std::max(policy.maximal_backoff, policy.minimal_backoff);
    return std::clamp(age, policy.minimal_backoff, hi);
}

std::time_t next_attempt_time(std::time_t now, std::time_t arrival, const RetryPolicy& policy) {
    auto delay = backoff_delay(std::chrono::seconds{now - arrival}, policy);
    return now + static_cast<std::time_t>(delay.count());
}

bool lifetime_exceeded(std::time_t now, std::time_t arrival, const RetryPolicy& policy) {
    return now - arrival >= static_cast<std::time_t>(policy.max_lifetime.count());
}

bool retry_due(std::time_t mtime, std::time_t now) { return mtime <= now; }

Status set_next_attempt(int fd, std::time_t when, const std::string& path) {
    struct timespec times[2];
    times[0].tv_sec = when;
    times[0].tv_nsec = 0;
    times[1] = times[0];
    if (::futimens(fd, times) != 0) return errno_error(path + ": set next attempt time");
    return {};
}

}  // namespace postern::qmgr
