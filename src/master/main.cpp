// master: the only long-running root process of a system instance.
//
// Trust: master reads main.conf and services.conf (owned by the admin),
// binds the listening sockets, and forks/execs the services listed there;
// it never reads mail and never talks to a client. Services drop their own
// privileges (server::drop_privileges) right after reading the config.
//
// Start-up errors go to stderr as "master: fatal: ..." before master goes
// into the background, so "postern-ctl start" shows them.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <type_traits>

#include "lib/base/log.hpp"
#include "lib/server/pid_file.hpp"
#include "master_config.hpp"
#include "master_daemon.hpp"
#include "master_loop.hpp"
#include "master_signals.hpp"

namespace {

template <class R>
auto must(R&& r) {
    if (!r) {
        std::fprintf(stderr, "master: fatal: %s\n", r.error().message.c_str());
        std::exit(1);
    }
    if constexpr (!std::is_same_v<std::decay_t<R>, postern::Status>) return std::move(r).value();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace postern;
    auto options = must(master::parse_options(argc, argv));
    auto settings = must(master::load_settings(options.config_dir));
    must(master::check_queue_directory(settings.cfg));
    auto pid_file = must(server::PidFile::acquire(server::master_pid_path(settings.cfg)));
    auto endpoints = must(master::open_endpoints(settings.cfg, settings.services, {}));

    UniqueFd ready = options.foreground ? UniqueFd() : master::detach();
    master::init_logging(settings.cfg, options.foreground);
    must(pid_file.write_pid(getpid()));
    auto signals = must(master::SignalPipe::install());
    log::info("daemon started -- version %s, configuration %s", POSTERN_VERSION, options.config_dir.c_str());
    master::report_ready(ready);

    auto supervision = master::supervisor_settings(settings.cfg);
    master::MasterState m{options, std::move(settings), master::Supervisor(supervision), std::move(pid_file)};
    m.supervisor.replace(supervision, std::move(endpoints));
    m.supervisor.start_all();
    return master::run_master(m, signals);
}
