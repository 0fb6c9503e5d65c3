// Starting one service process: fork, then in the child put the listening
// socket on fd 3, close every other descriptor above stderr, set the
// POSTERN_* environment and exec the service program. master never waits
// here; exits are collected by the supervisor (master_children).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/config/services.hpp"

namespace postern::master {

struct SpawnRequest {
    std::string path;               // program to exec
    std::vector<std::string> argv;  // argv[0] included
    int listen_fd = -1;
    std::string service;
    bool unprivileged = true;
    bool chroot = false;
};

// $daemon_directory/COMMAND, or COMMAND itself when absolute.
std::string command_path(const std::string& daemon_dir, const std::string& command);

// [basename(COMMAND), "-c", CONFIG_DIR, args...]
std::vector<std::string> service_argv(const config::ServiceEntry& entry, const std::string& config_dir);

// The environment for the child: ours, minus any POSTERN_SERVICE/UNPRIV/
// CHROOT/MASTER_PID we inherited, plus the values for this service.
std::vector<std::string> service_environment(const SpawnRequest& request, char** inherited);

SpawnRequest make_spawn_request(const config::ServiceEntry& entry, int listen_fd, const std::string& daemon_dir,
                                const std::string& config_dir);

// fork + exec; returns the child's pid. An exec failure shows up as the
// child exiting with status 127 (logged by the child).
Result<pid_t> spawn_service(const SpawnRequest& request);

}  // namespace postern::master
