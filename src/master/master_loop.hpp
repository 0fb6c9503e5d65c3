// master's main loop: wait for a signal or the next due restart, then reap
// and refill pools, reload on SIGHUP, or stop everything on SIGTERM/SIGINT.
#pragma once

#include "lib/server/pid_file.hpp"
#include "master_children.hpp"
#include "master_config.hpp"
#include "master_signals.hpp"

namespace postern::master {

// How long stopping waits for services to exit before SIGKILL.
inline constexpr milliseconds kStopGrace{10000};

struct MasterState {
    Options options;
    Settings settings;
    Supervisor supervisor;
    server::PidFile pid_file;
};

// Returns master's exit status once a stop signal was handled.
int run_master(MasterState& m, SignalPipe& signals);

// SIGHUP: read the configuration again; if it is valid, restart every
// service with it, else log why and keep the running configuration.
void reload(MasterState& m);

}  // namespace postern::master
