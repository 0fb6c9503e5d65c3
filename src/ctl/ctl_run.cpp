// start, stop, reload, status: master's life cycle, judged by the lock on
// its pid file (server/pid_file.hpp), never by a pid alone.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <thread>

#include "ctl.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/services.hpp"
#include "lib/server/pid_file.hpp"

extern char** environ;

namespace postern::ctl {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// master answers SIGTERM within its own 10 s grace for services.
constexpr auto kStartWait = 10s;
constexpr auto kStopWait = 20s;
constexpr auto kPollInterval = 50ms;

std::string absolute(const std::string& dir) {
    if (!dir.empty() && dir.front() == '/') return dir;
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return dir;
    return std::string(cwd) + "/" + dir;
}

// The running master's pid (0 = starting, pid not written yet), or nullopt.
Result<std::optional<pid_t>> running(const config::Config& cfg) {
    return server::running_master(server::master_pid_path(cfg));
}

// Load the config and find the running master; on failure *code is the exit code.
struct Target {
    std::optional<config::Config> cfg;
    std::optional<pid_t> pid;
    int code = ex::kOk;
};

Target find_master(Invocation& inv) {
    Target t;
    auto cfg = inv.load_config();
    if (!cfg) {
        t.code = inv.fail(ex::kConfig, cfg.error().message);
        return t;
    }
    auto pid = running(*cfg);
    if (!pid) {
        t.code = inv.fail(pid.error().sys_errno == EACCES ? ex::kNoPerm : ex::kUnavailable, pid.error().message);
        return t;
    }
    t.cfg.emplace(std::move(cfg).value());
    t.pid = *pid;
    return t;
}

// Wait until pred() or the time is up.
template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    while (!pred()) {
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(kPollInterval);
    }
    return true;
}

// Run master and wait for its foreground part, which exits once the
// daemon runs (0) or after printing why it cannot (non-zero).
int run_master(const config::Config& cfg, const std::string& config_dir) {
    std::string path = cfg.get(config::params::daemon_directory) + "/master";
    std::vector<std::string> args{path, "-c", config_dir};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, path.c_str(), nullptr, nullptr, argv.data(), environ);
    if (rc != 0) return -rc;
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int signal_master(Invocation& inv, int sig, const char* doing) {
    Target t = find_master(inv);
    if (t.code != ex::kOk) return t.code;
    if (!t.pid || *t.pid == 0) return inv.fail(kNotRunning, "the mail system is not running");
    if (::kill(*t.pid, sig) != 0)
        return inv.fail(errno == EPERM ? ex::kNoPerm : ex::kOsErr,
                        "pid " + std::to_string(*t.pid) + ": " + std::strerror(errno));
    inv.out << "postern-ctl: " << doing << " the mail system (pid " << *t.pid << ")\n";
    return ex::kOk;
}

}  // namespace

int cmd_start(Invocation& inv) {
    if (!inv.args.empty()) return inv.fail(ex::kUsage, "usage: postern-ctl start");
    Target t = find_master(inv);
    if (t.code != ex::kOk) return t.code;
    if (t.pid) return inv.fail(kNotRunning, "the mail system is already running (pid " + std::to_string(*t.pid) + ")");
    if (auto services = config::load_services(inv.config_dir()); !services)
        return inv.fail(ex::kConfig, services.error().message);

    int rc = run_master(*t.cfg, absolute(inv.config_dir()));
    if (rc < 0) return inv.fail(ex::kUnavailable, "cannot run master: " + std::string(std::strerror(-rc)));
    if (rc != 0) return inv.fail(ex::kUnavailable, "the mail system did not start");
    std::optional<pid_t> pid;
    bool up = wait_until([&] {
        auto r = running(*t.cfg);
        if (r && *r && **r > 0) pid = *r;
        return pid.has_value();
    }, kStartWait);
    if (!up) return inv.fail(ex::kUnavailable, "master started but wrote no pid file");
    inv.out << "postern-ctl: the mail system is running (pid " << *pid << ")\n";
    return ex::kOk;
}

int cmd_stop(Invocation& inv) {
    if (!inv.args.empty()) return inv.fail(ex::kUsage, "usage: postern-ctl stop");
    Target t = find_master(inv);
    if (t.code != ex::kOk) return t.code;
    if (!t.pid) return inv.fail(kNotRunning, "the mail system is not running");
    if (*t.pid == 0) return inv.fail(ex::kTempFail, "the mail system is starting; try again");
    if (::kill(*t.pid, SIGTERM) != 0 && errno != ESRCH)
        return inv.fail(errno == EPERM ? ex::kNoPerm : ex::kOsErr,
                        "pid " + std::to_string(*t.pid) + ": " + std::strerror(errno));
    bool gone = wait_until([&] {
        auto r = running(*t.cfg);
        return r && !*r;
    }, kStopWait);
    if (!gone) return inv.fail(ex::kTempFail, "master (pid " + std::to_string(*t.pid) + ") is still running");
    inv.out << "postern-ctl: the mail system is stopped\n";
    return ex::kOk;
}

int cmd_reload(Invocation& inv) {
    if (!inv.args.empty()) return inv.fail(ex::kUsage, "usage: postern-ctl reload");
    return signal_master(inv, SIGHUP, "reloading");
}

int cmd_status(Invocation& inv) {
    if (!inv.args.empty()) return inv.fail(ex::kUsage, "usage: postern-ctl status");
    Target t = find_master(inv);
    if (t.code != ex::kOk) return t.code;
    if (!t.pid) {
        inv.out << "postern-ctl: the mail system is not running\n";
        return kNotRunning;
    }
    inv.out << "postern-ctl: the mail system is running (pid " << *t.pid << ")\n";
    return ex::kOk;
}

}  // namespace postern::ctl
