#include "qmgr_loop.hpp"

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>

#include "lib/base/log.hpp"
#include "lib/config/config.hpp"
#include "lib/queue/queue_hoststat.hpp"
#include "lib/queue/queue_status.hpp"

namespace postern::qmgr {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// incoming/ is rescanned this often even without a trigger: it only matters
// when a trigger is lost (cleanup triggers after every message), so it is
// not worth a parameter.
constexpr auto kIncomingRescan = std::chrono::seconds{5};
// Upper bound of one wait, so a stop request is noticed promptly.
constexpr auto kMaxWait = milliseconds{1000};
// At SIGTERM, how long in-flight deliveries get to report. Abandoning them
// is safe (their recipients stay Pending and are delivered again), so this
// is a courtesy, kept short so master's restart is not held up.
constexpr auto kStopGrace = std::chrono::seconds{10};

std::time_t wall_now() { return std::time(nullptr); }

struct Ready {
    bool trigger = false;
    bool finished = false;
};

Ready wait_events(int listen_fd, int wake_fd, milliseconds timeout) {
    struct pollfd fds[2] = {{wake_fd, POLLIN, 0}, {listen_fd, POLLIN, 0}};
    nfds_t count = listen_fd >= 0 ? 2 : 1;
    Ready r;
    if (::poll(fds, count, static_cast<int>(timeout.count())) <= 0) return r;  // timeout, or EINTR from SIGTERM
    r.finished = (fds[0].revents & POLLIN) != 0;
    r.trigger = count == 2 && (fds[1].revents & POLLIN) != 0;
    return r;
}

void drain(Manager& manager) {
    manager.stop_starting();
    auto deadline = Clock::now() + kStopGrace;
    while (manager.in_flight() > 0 && Clock::now() < deadline) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
        struct pollfd p = {manager.wake_fd(), POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(std::max(left, milliseconds{1}).count())) > 0) manager.handle_finished();
    }
    if (manager.in_flight() > 0)
        log::warn("stopping with %d delivery request(s) still in flight; they will be retried", manager.in_flight());
}

}  // namespace

int run_loop(const server::Context& ctx, Manager& manager) {
    const auto run_delay = ctx.cfg.get(config::params::queue_run_delay);
    manager.recover();
    manager.scan_incoming();
    manager.scan_deferred(wall_now());
    auto next_incoming = Clock::now() + kIncomingRescan;
    auto next_deferred = Clock::now() + run_delay;
    while (!server::stop_requested()) {
        manager.start_deliveries();
        auto until = std::min(next_incoming, next_deferred) - Clock::now();
        auto wait = std::clamp(std::chrono::duration_cast<milliseconds>(until), milliseconds{0}, kMaxWait);
        if (manager.backlog_ready() || manager.deferred_ready()) wait = milliseconds{0};
        Ready ready = wait_events(ctx.listen_fd, manager.wake_fd(), wait);
        if (ready.finished) manager.handle_finished();
        // 'W' (new mail) only says "look"; 'D' and 'F' also ask for a
        // deferred scan now ('F': every deferred file counts as due).
        // 'F' also revives dead destinations (Postfix's flush does the
        // same); 'H' says the host status file was purged.
        std::string bytes = ready.trigger ? server::wait_for_trigger(ctx, milliseconds{100}) : std::string();
        if (bytes.find(queue::kTriggerHostStatus) != std::string::npos) manager.reload_host_status();
        if (bytes.find(queue::kTriggerFlush) != std::string::npos) {
            manager.revive_all_destinations();
            manager.scan_deferred(std::numeric_limits<std::time_t>::max());
        } else if (bytes.find(queue::kTriggerScanDeferred) != std::string::npos) {
            manager.scan_deferred(wall_now());
        }
        if (ready.trigger || Clock::now() >= next_incoming) {
            manager.scan_incoming();
            next_incoming = Clock::now() + kIncomingRescan;
        }
        manager.continue_scans();
        if (Clock::now() >= next_deferred) {
            manager.scan_deferred(wall_now());
            next_deferred = Clock::now() + run_delay;
        }
    }
    drain(manager);
    return 0;
}

}  // namespace postern::qmgr
