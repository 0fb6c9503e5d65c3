// master's pid file, $queue_directory/pid/master.pid: master's pid on one
// line, and an exclusive flock(2) held for as long as master runs. Whether
// the mail system runs is decided by that lock, never by the pid alone
// (pids are reused after a crash). Used by master and postern-ctl.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/config/config.hpp"

namespace postern::server {

std::string master_pid_path(const config::Config& cfg);

class PidFile {
public:
    // Create or open path and take the lock. When another master holds it:
    // "the mail system is already running (pid N)".
    static Result<PidFile> acquire(const std::string& path);
    // Replace the contents with "PID\n" and fsync (after daemonizing).
    Status write_pid(pid_t pid);
    // Unlink while the lock is still held, so no reader sees a stale file.
    void remove();

private:
    PidFile(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
    UniqueFd fd_;
    std::string path_;
};

// The pid of the master holding the lock on path; nullopt when none does
// (no file is "not running"); 0 when a master holds the lock but has not
// written its pid yet. Errors (e.g. permission denied) name the path.
Result<std::optional<pid_t>> running_master(const std::string& path);

}  // namespace postern::server
