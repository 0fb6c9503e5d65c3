// The event loop and the reload procedure.
#include "master_loop.hpp"

#include <poll.h>
#include <signal.h>

#include <algorithm>

#include "lib/base/log.hpp"

namespace postern::master {
namespace {

int poll_timeout(const Supervisor& s) {
    auto next = s.next_restart();
    if (!next) return -1;
    auto left = std::chrono::duration_cast<milliseconds>(*next - Clock::now()).count();
    // Round up so a wake-up does not come a hair too early and spin.
    return static_cast<int>(std::clamp<long long>(left + 1, 0, 24 * 3600 * 1000));
}

int stop(MasterState& m, int sig) {
    log::info("terminating on signal %d", sig);
    m.supervisor.stop_all(kStopGrace);
    unlink_unused(m.supervisor.endpoints(), {});
    m.pid_file.remove();
    return 0;
}

}  // namespace

void reload(MasterState& m) {
    auto fresh = load_settings(m.options.config_dir);
    if (!fresh) {
        log::warn("%s; keeping the running configuration", fresh.error().message.c_str());
        return;
    }
    if (auto st = check_queue_directory(fresh->cfg); !st) {
        log::warn("%s; keeping the running configuration", st.error().message.c_str());
        return;
    }
    auto endpoints = open_endpoints(fresh->cfg, fresh->services, m.supervisor.endpoints());
    if (!endpoints) {
        log::warn("%s; keeping the running configuration", endpoints.error().message.c_str());
        return;
    }
    m.supervisor.stop_all(kStopGrace);
    unlink_unused(m.supervisor.endpoints(), *endpoints);
    m.settings = std::move(fresh).value();
    init_logging(m.settings.cfg, m.options.foreground);
    m.supervisor.replace(supervisor_settings(m.settings.cfg), std::move(endpoints).value());
    m.supervisor.start_all();
    log::info("reload -- version %s, configuration %s", POSTERN_VERSION, m.options.config_dir.c_str());
}

int run_master(MasterState& m, SignalPipe& signals) {
    for (;;) {
        struct pollfd p {signals.fd(), POLLIN, 0};
        ::poll(&p, 1, poll_timeout(m.supervisor));
        for (int sig : signals.drain()) {
            if (sig == SIGTERM || sig == SIGINT) return stop(m, sig);
            if (sig == SIGHUP) reload(m);
            if (sig == SIGCHLD) m.supervisor.reap();
        }
        m.supervisor.restart_due(Clock::now());
    }
}

}  // namespace postern::master
