// The supervisor: keeps each endpoint's pool of service processes full.
// Every endpoint has max_proc slots ($default_process_limit for "-"); a
// slot whose process exits is refilled at once if the process ran for
// kStableRun or longer, otherwise after a back-off that doubles from
// kFirstBackoff up to $service_throttle_time, so a service that dies on
// start-up cannot make master spin.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "master_services.hpp"

namespace postern::master {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline constexpr milliseconds kStableRun{10000};
inline constexpr milliseconds kFirstBackoff{250};

// The delay before a slot is refilled, given the delay used last time
// (0 = none), how long the process ran, and $service_throttle_time.
milliseconds next_backoff(milliseconds previous, milliseconds ran_for, milliseconds limit);

// "exit status 1", "killed by signal 9"
std::string describe_exit(int wait_status);

struct SupervisorSettings {
    std::string daemon_directory;
    std::string config_directory;
    milliseconds throttle{60000};
    int default_process_limit = 100;
};

class Supervisor {
public:
    explicit Supervisor(SupervisorSettings settings) : settings_(std::move(settings)) {}

    // Only while no process runs (at start, or after stop_all).
    void replace(SupervisorSettings settings, std::vector<Endpoint> endpoints);
    const std::vector<Endpoint>& endpoints() const { return endpoints_; }

    void start_all();
    // Collect every exited child (waitpid WNOHANG) and schedule its slot.
    void reap();
    // Refill the slots whose back-off has passed.
    void restart_due(Clock::time_point now);
    // When restart_due has work next; nullopt when nothing is pending.
    std::optional<Clock::time_point> next_restart() const;
    // SIGTERM every process, wait up to grace, then SIGKILL the rest.
    void stop_all(milliseconds grace);
    std::size_t running() const;

private:
    struct Slot {
        pid_t pid = 0;
        Clock::time_point started;
        std::optional<Clock::time_point> restart_at;
        milliseconds backoff{0};
    };
    struct Pool {
        std::vector<Slot> slots;
    };

    void start_slot(std::size_t endpoint, Slot& slot, Clock::time_point now);
    void child_exited(pid_t pid, int status, Clock::time_point now);

    SupervisorSettings settings_;
    std::vector<Endpoint> endpoints_;
    std::vector<Pool> pools_;  // parallel to endpoints_
};

}  // namespace postern::master
