// The daemon skeleton shared by every service master starts (Postfix's
// single_server/trigger_server, Asio's server::run): the common start-up
// checklist, privilege drop, and the accept loop. Daemons supply handlers.
//
// master starts a service with: argv "-c CONFIG_DIR" (plus the args from
// services.conf), the listening socket on fd 3, and the environment
//   POSTERN_SERVICE=<service name>  POSTERN_UNPRIV=0|1  POSTERN_CHROOT=0|1
//   POSTERN_MASTER_PID=<master's pid> (lets a service notice that master
//   died before PR_SET_PDEATHSIG was armed)
// A service run by hand without fd 3 exits with a clear message.
// Logging goes to stderr too when stderr is a tty or POSTERN_LOG_STDERR=1.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/unique_fd.hpp"
#include "lib/config/config.hpp"

namespace postern::server {

inline constexpr int kListenFd = 3;
// A trigger is a wake-up call, not a request: at most this many bytes are
// read from one trigger connection, within kTriggerReadTimeout.
inline constexpr std::size_t kMaxTriggerBytes = 64;
inline constexpr std::chrono::milliseconds kTriggerReadTimeout{1000};

struct Context {
    config::Config cfg;
    std::string program;        // "qmgr"
    std::string service;        // name from services.conf
    int listen_fd = -1;
    bool unprivileged = true;
    bool chroot = false;
    std::vector<std::string> args;  // extra args from services.conf
};

// Parse -c DIR and the extra args, load the config (fatal "file:line: ..."
// on error), set up logging as postern/PROGRAM, ignore SIGPIPE, and set
// PR_SET_PDEATHSIG so a service never outlives master.
Context init_daemon(std::string_view program, int argc, char** argv);

// Unless user_instance: chroot to $queue_directory when ctx.chroot, then
// become $mail_owner when ctx.unprivileged. Fatal on failure.
void drop_privileges(const Context& ctx);

// Raise the soft limit on open descriptors to the hard limit (smtpd holds
// many sessions, qmgr one open file per active message); returns the soft
// limit now in force.
std::size_t raise_descriptor_limit();

// The queue directory as this process sees it after drop_privileges():
// "/" when it chrooted there, else $queue_directory.
std::string queue_root(const Context& ctx);

// True once SIGTERM/SIGINT arrived (handlers installed by init_daemon).
bool stop_requested();
// What the SIGTERM handler does (async-signal-safe); also for tests.
void request_stop();
void clear_stop_request();  // tests only

// Accept connections on ctx.listen_fd one at a time and call handle for each
// until stop_requested(). A handler's failure ends that connection only.
int run_accept_loop(const Context& ctx, const std::function<void(UniqueFd)>& handle);
// The same, calling idle before each wait for a connection; idle returns
// how long the loop may wait before calling it again (smtp closes its
// cached idle sessions on time this way).
int run_accept_loop(const Context& ctx, const std::function<void(UniqueFd)>& handle,
                    const std::function<std::chrono::milliseconds()>& idle);

// Trigger services (pickup, qmgr): wait until a client connects to the
// listening socket and writes trigger bytes, or max_wait passes, or a stop
// is requested. Returns the trigger bytes received ("" on timeout). Other
// trigger connections already pending are drained too (their bytes
// appended, never waiting for them), so a burst of triggers wakes the
// service once. At most kMaxTriggerBytes bytes are returned.
std::string wait_for_trigger(const Context& ctx, std::chrono::milliseconds max_wait);

}  // namespace postern::server
