// Process pools, exit collection and the restart back-off.
#include "master_children.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "lib/base/log.hpp"
#include "master_spawn.hpp"

namespace postern::master {
namespace {

constexpr milliseconds kStopPollInterval{50};

}  // namespace

milliseconds next_backoff(milliseconds previous, milliseconds ran_for, milliseconds limit) {
    if (ran_for >= kStableRun) return milliseconds{0};
    if (previous <= milliseconds{0}) return std::min(kFirstBackoff, limit);
    return std::min(previous * 2, limit);
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    return "status " + std::to_string(status);
}

void Supervisor::replace(SupervisorSettings settings, std::vector<Endpoint> endpoints) {
    settings_ = std::move(settings);
    endpoints_ = std::move(endpoints);
    pools_.assign(endpoints_.size(), Pool{});
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        int n = endpoints_[i].entry.max_proc > 0 ? endpoints_[i].entry.max_proc : settings_.default_process_limit;
        pools_[i].slots.resize(static_cast<std::size_t>(n));
    }
}

void Supervisor::start_slot(std::size_t endpoint, Slot& slot, Clock::time_point now) {
    const Endpoint& e = endpoints_[endpoint];
    auto req = make_spawn_request(e.entry, e.fd.get(), settings_.daemon_directory, settings_.config_directory);
    auto pid = spawn_service(req);
    slot.restart_at.reset();
    if (!pid) {
        // fork failed (out of processes): try again after a back-off.
        log::warn("%s", pid.error().message.c_str());
        slot.backoff = next_backoff(slot.backoff, milliseconds{0}, settings_.throttle);
        slot.restart_at = now + slot.backoff;
        return;
    }
    slot.pid = *pid;
    slot.started = now;
}

void Supervisor::start_all() {
    auto now = Clock::now();
    for (std::size_t i = 0; i < pools_.size(); ++i)
        for (auto& slot : pools_[i].slots)
            if (slot.pid == 0) start_slot(i, slot, now);
}

void Supervisor::child_exited(pid_t pid, int status, Clock::time_point now) {
    for (std::size_t i = 0; i < pools_.size(); ++i) {
        for (auto& slot : pools_[i].slots) {
            if (slot.pid != pid) continue;
            auto ran = std::chrono::duration_cast<milliseconds>(now - slot.started);
            if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
                auto path = command_path(settings_.daemon_directory, endpoints_[i].entry.command);
                log::warn("process %s pid %d %s", path.c_str(), static_cast<int>(pid), describe_exit(status).c_str());
            }
            slot.pid = 0;
            slot.backoff = next_backoff(slot.backoff, ran, settings_.throttle);
            slot.restart_at = now + slot.backoff;
            if (slot.backoff > milliseconds{0})
                log::warn("service %s: restarting in %lld ms", endpoints_[i].entry.name.c_str(),
                          static_cast<long long>(slot.backoff.count()));
            return;
        }
    }
}

void Supervisor::reap() {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) child_exited(pid, status, Clock::now());
}

void Supervisor::restart_due(Clock::time_point now) {
    for (std::size_t i = 0; i < pools_.size(); ++i)
        for (auto& slot : pools_[i].slots)
            if (slot.pid == 0 && slot.restart_at && *slot.restart_at <= now) start_slot(i, slot, now);
}

std::optional<Clock::time_point> Supervisor::next_restart() const {
    std::optional<Clock::time_point> next;
    for (const auto& pool : pools_)
        for (const auto& slot : pool.slots)
            if (slot.pid == 0 && slot.restart_at && (!next || *slot.restart_at < *next)) next = slot.restart_at;
    return next;
}

std::size_t Supervisor::running() const {
    std::size_t n = 0;
    for (const auto& pool : pools_) n += std::count_if(pool.slots.begin(), pool.slots.end(), [](const Slot& s) {
        return s.pid != 0;
    });
    return n;
}

void Supervisor::stop_all(milliseconds grace) {
    auto signal_all = [this](int sig) {
        for (auto& pool : pools_)
            for (auto& slot : pool.slots)
                if (slot.pid != 0) ::kill(slot.pid, sig);
    };
    auto collect = [this] {
        int status = 0;
        pid_t pid;
        while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0)
            for (auto& pool : pools_)
                for (auto& slot : pool.slots)
                    if (slot.pid == pid) slot = Slot{};
    };
    signal_all(SIGTERM);
    auto deadline = Clock::now() + grace;
    for (collect(); running() > 0 && Clock::now() < deadline; collect()) std::this_thread::sleep_for(kStopPollInterval);
    if (running() == 0) return;
    log::warn("%zu service processes ignored SIGTERM; killing them", running());
    signal_all(SIGKILL);
    while (running() > 0) {
        collect();
        if (running() > 0) std::this_thread::sleep_for(kStopPollInterval);
    }
}

}  // namespace postern::master
