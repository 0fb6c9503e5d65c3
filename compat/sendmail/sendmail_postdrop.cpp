// posix_spawn rather than fork/exec: the exec failure comes back as an error
// number in the parent, and the child runs no code of ours.
#include "sendmail_postdrop.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "lib/base/line_reader.hpp"
#include "lib/base/sysexits.hpp"

extern char** environ;

namespace postern::sendmail {
namespace {

constexpr std::size_t kMaxMessageLines = 16;
constexpr std::size_t kMaxMessageLine = 1024;

struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    SpawnSetup() {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

Result<std::pair<UniqueFd, UniqueFd>> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("pipe");
    return std::pair{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::vector<std::string> read_messages(int fd) {
    std::vector<std::string> lines;
    LineReader reader(fd, kMaxMessageLine);
    std::string line;
    for (;;) {
        auto st = reader.read(line);
        if (st == LineReader::Status::TooLong) {
            st = reader.skip_rest();
        }
        if (st != LineReader::Status::Line && st != LineReader::Status::TooLong) break;
        if (lines.size() < kMaxMessageLines && !line.empty()) lines.push_back(line);
    }
    return lines;
}

}  // namespace

Result<PostdropChild> spawn_postdrop(const std::string& program, const std::string& config_dir) {
    auto in = make_pipe();
    if (!in) return in.error();
    auto err = make_pipe();
    if (!err) return err.error();
    SpawnSetup setup;
    posix_spawn_file_actions_adddup2(&setup.actions, in->first.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&setup.actions, err->second.get(), STDERR_FILENO);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETSIGDEF);
    std::string arg0 = "postdrop", arg1 = "-c", arg2 = config_dir;
    char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
    pid_t pid = -1;
    if (int rc = ::posix_spawn(&pid, program.c_str(), &setup.actions, &setup.attr, argv, environ); rc != 0)
        return errno_error("execute " + program, rc);
    PostdropChild child;
    child.pid = pid;
    child.input = std::move(in->second);
    child.errors = std::move(err->first);
    return child;
}

int exit_code_from_wait_status(int wait_status) {
    if (WIFEXITED(wait_status)) {
        int code = WEXITSTATUS(wait_status);
        if (code == ex::kOk || (code >= ex::kUsage && code <= ex::kConfig)) return code;
    }
    return ex::kTempFail;
}

PostdropExit finish_postdrop(PostdropChild& child) {
    child.input.reset();
    PostdropExit out;
    if (child.errors.valid()) out.messages = read_messages(child.errors.get());
    child.errors.reset();
    int status = 0;
    pid_t r;
    do r = ::waitpid(child.pid, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        out.exit_code = ex::kTempFail;
        out.messages.push_back("postdrop: fatal: " + errno_error("waitpid").message);
        return out;
    }
    out.exit_code = exit_code_from_wait_status(status);
    if (WIFSIGNALED(status))
        out.messages.push_back("postdrop: fatal: killed by signal " + std::to_string(WTERMSIG(status)));
    else if (out.exit_code != ex::kOk && out.messages.empty())
        out.messages.push_back("postdrop: fatal: exited with status " + std::to_string(WEXITSTATUS(status)));
    return out;
}

std::string relabel_message(const std::string& line, const std::string& program) {
    constexpr std::string_view kPrefix = "postdrop: ";
    if (line.rfind(kPrefix, 0) == 0) return program + ": " + line.substr(kPrefix.size());
    return program + ": postdrop: " + line;
}

}  // namespace postern::sendmail
