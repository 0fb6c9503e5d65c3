// fork/exec of a service process.
#include "master_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/server/service.hpp"

extern char** environ;

namespace postern::master {
namespace {

constexpr int kExecFailed = 127;  // as the shell reports "command not found"

constexpr std::string_view kOwnVariables[] = {"POSTERN_SERVICE=", "POSTERN_UNPRIV=", "POSTERN_CHROOT=",
                                              "POSTERN_MASTER_PID="};

bool is_own_variable(std::string_view entry) {
    for (auto prefix : kOwnVariables)
        if (entry.starts_with(prefix)) return true;
    return false;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// The descriptors a child must not inherit: everything above stderr except
// fd 3. close_range where the kernel has it, else one by one.
void close_other_fds() {
    if (::close_range(server::kListenFd + 1, ~0U, 0) == 0) return;
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = server::kListenFd + 1; fd < max; ++fd) ::close(fd);
}

[[noreturn]] void exec_child(const SpawnRequest& r, char** argv, char** envp) {
    // Signals are blocked since before fork: restore the defaults first, so
    // a SIGTERM sent to the young child kills it instead of running master's
    // handler (which would write to master's pipe and lose the signal).
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);

    if (r.listen_fd == server::kListenFd) {
        fcntl(server::kListenFd, F_SETFD, 0);  // dup2 onto itself keeps close-on-exec
    } else if (::dup2(r.listen_fd, server::kListenFd) < 0) {
        log::warn("%s: dup2: %s", r.service.c_str(), std::strerror(errno));
        _exit(kExecFailed);
    }
    close_other_fds();
    ::execve(r.path.c_str(), argv, envp);
    log::warn("cannot execute %s: %s", r.path.c_str(), std::strerror(errno));
    _exit(kExecFailed);
}

}  // namespace

std::string command_path(const std::string& daemon_dir, const std::string& command) {
    if (!command.empty() && command.front() == '/') return command;
    return daemon_dir + "/" + command;
}

std::vector<std::string> service_argv(const config::ServiceEntry& entry, const std::string& config_dir) {
    std::vector<std::string> argv{basename_of(entry.command), "-c", config_dir};
    argv.insert(argv.end(), entry.args.begin(), entry.args.end());
    return argv;
}

std::vector<std::string> service_environment(const SpawnRequest& request, char** inherited) {
    std::vector<std::string> env;
    for (char** e = inherited; e != nullptr && *e != nullptr; ++e)
        if (!is_own_variable(*e)) env.emplace_back(*e);
    env.push_back("POSTERN_SERVICE=" + request.service);
    env.push_back(std::string("POSTERN_UNPRIV=") + (request.unprivileged ? "1" : "0"));
    env.push_back(std::string("POSTERN_CHROOT=") + (request.chroot ? "1" : "0"));
    env.push_back("POSTERN_MASTER_PID=" + std::to_string(getpid()));
    return env;
}

SpawnRequest make_spawn_request(const config::ServiceEntry& entry, int listen_fd, const std::string& daemon_dir,
                                const std::string& config_dir) {
    return SpawnRequest{command_path(daemon_dir, entry.command), service_argv(entry, config_dir), listen_fd,
                        entry.name, entry.unprivileged, entry.chroot};
}

Result<pid_t> spawn_service(const SpawnRequest& request) {
    // Everything the child needs is built before fork.
    std::vector<std::string> argv_strings = request.argv;
    std::vector<std::string> env_strings = service_environment(request, environ);
    std::vector<char*> argv = pointers(argv_strings);
    std::vector<char*> envp = pointers(env_strings);

    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    pid_t pid = ::fork();
    if (pid == 0) exec_child(request, argv.data(), envp.data());
    int fork_errno = errno;
    sigprocmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) return errno_error("fork " + request.path, fork_errno);
    return pid;
}

}  // namespace postern::master
