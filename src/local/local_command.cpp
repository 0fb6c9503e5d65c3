// |command delivery.
#include "local_command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

#include "lib/base/file_ops.hpp"
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/base/unique_fd.hpp"
#include "local_headers.hpp"
#include "local_mailbox.hpp"
#include "local_writer.hpp"

namespace postern::local {
namespace {

constexpr std::size_t kOutputKeep = 2048;
using Clock = std::chrono::steady_clock;

// Writes to the command's stdin that give up at the deadline; a command
// that stopped reading (EPIPE) is not an error: its exit status decides.
class PipeOps : public FileOps {
public:
    explicit PipeOps(Clock::time_point deadline) : deadline_(deadline) {}
    Status write_all(int fd, std::string_view data) override {
        while (!data.empty() && !closed_) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
            if (left.count() <= 0) return make_error("command time limit exceeded", ETIMEDOUT);
            struct pollfd p {fd, POLLOUT, 0};
            int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
            if (r <= 0) continue;
            ssize_t n = ::write(fd, data.data(), data.size());
            if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (n < 0 && errno == EPIPE) closed_ = true;
            else if (n < 0) return errno_error("write to command");
            else data.remove_prefix(static_cast<std::size_t>(n));
        }
        return {};
    }
    Status fsync(int) override { return {}; }

private:
    Clock::time_point deadline_;
    bool closed_ = false;
};

std::vector<std::string> environment(const CommandJob& job, std::string_view sender) {
    std::string shell = job.user.shell.empty() ? "/bin/sh" : job.user.shell;
    return {"HOME=" + job.user.home, "USER=" + job.user.name, "LOGNAME=" + job.user.name, "SHELL=" + shell,
            "PATH=/usr/bin:/bin", "SENDER=" + std::string(sender), "RECIPIENT=" + job.recipient,
            "LOCAL=" + job.local, "DOMAIN=" + job.domain, "EXTENSION=" + job.extension,
            "ORIGINAL_RECIPIENT=" + job.original_recipient};
}

[[noreturn]] void exec_command(const CommandJob& job, const std::vector<std::string>& env, int in, int out) {
    ::setsid();  // its own process group, so a time-out kills all of it
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    if ((job.user.home.empty() || ::chdir(job.user.home.c_str()) != 0) && ::chdir("/") != 0) ::_exit(ex::kOsErr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const char* argv[] = {"sh", "-c", job.command.c_str(), nullptr};
    ::signal(SIGPIPE, SIG_DFL);
    ::execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
    ::_exit(ex::kOsErr);
}

// The first kOutputKeep bytes of everything the command writes, until EOF
// or stop_at (a background process may keep the pipe open for ever).
std::string drain(int fd, const std::atomic<Clock::rep>& stop_at) {
    std::string kept;
    char buf[4096];
    for (;;) {
        if (Clock::now().time_since_epoch().count() >= stop_at.load()) return kept;
        struct pollfd p {fd, POLLIN, 0};
        int r = ::poll(&p, 1, 50);
        if (r <= 0) continue;
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return kept;
        if (kept.size() < kOutputKeep) kept.append(buf, std::min<std::size_t>(n, kOutputKeep - kept.size()));
    }
}

// Wait for pid until deadline; kill its group then. nullopt: timed out.
std::optional<int> wait_until(pid_t pid, Clock::time_point deadline) {
    int status = 0;
    for (;;) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return status;
        if (Clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return std::nullopt;
}

std::string first_lines(std::string_view out) {
    std::string s;
    for (char c : out.substr(0, 512)) s += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    std::string_view t = trim(s);
    return log::printable(t);
}

Status write_message(int fd, const Message& msg, const CommandJob& job, PipeOps& ops) {
    MailWriter w(fd, ops);
    POSTERN_TRY(w.put(from_line(msg.envelope.sender, std::time(nullptr))));
    POSTERN_TRY(w.put(delivery_headers(msg.envelope.sender, job.recipient)));
    POSTERN_TRY(w.copy_content(msg));
    return w.flush();
}

Outcome outcome_of(int status, const std::string& output) {
    std::string said = output.empty() ? std::string() : ": " + first_lines(output);
    if (WIFSIGNALED(status)) return deferred("4.3.0", "command killed by signal " + std::to_string(WTERMSIG(status)) + said);
    int code = WEXITSTATUS(status);
    if (code == 0) return delivered("delivered to command");
    ExitMeaning m = exit_meaning(code);
    std::string reason = "command exited " + std::to_string(code) + " (" + m.text + ")" + said;
    return m.temporary ? deferred(m.dsn, reason) : bounced(m.dsn, reason);
}

}  // namespace

ExitMeaning exit_meaning(int code) {
    static const struct {
        int code;
        ExitMeaning meaning;
    } kTable[] = {
        {ex::kUsage, {"5.3.0", false, "command line usage error"}},
        {ex::kDataErr, {"5.6.0", false, "data format error"}},
        {ex::kNoInput, {"5.3.0", false, "cannot open input"}},
        {ex::kNoUser, {"5.1.1", false, "user unknown"}},
        {ex::kNoHost, {"5.1.2", false, "host name unknown"}},
        {ex::kUnavailable, {"5.3.0", false, "service unavailable"}},
        {ex::kSoftware, {"5.3.0", false, "internal software error"}},
        {ex::kOsErr, {"4.3.0", true, "system resource problem"}},
        {ex::kOsFile, {"5.3.0", false, "critical OS file missing"}},
        {ex::kCantCreat, {"5.2.0", false, "can't create output file"}},
        {ex::kIoErr, {"5.3.0", false, "input/output error"}},
        {ex::kTempFail, {"4.3.0", true, "temporary failure"}},
        {ex::kProtocol, {"5.5.0", false, "remote error in protocol"}},
        {ex::kNoPerm, {"5.7.0", false, "permission denied"}},
        {ex::kConfig, {"5.3.5", false, "local configuration error"}},
    };
    for (const auto& e : kTable)
        if (e.code == code) return e.meaning;
    return {"5.3.0", false, "unknown failure"};
}

Outcome deliver_command(const Message& msg, const CommandJob& job) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return deferred("4.3.0", std::string("pipe: ") + std::strerror(errno));
    UniqueFd in_r(in[0]), in_w(in[1]);
    if (::pipe2(out, O_CLOEXEC) != 0) return deferred("4.3.0", std::string("pipe: ") + std::strerror(errno));
    UniqueFd out_r(out[0]), out_w(out[1]);
    auto env = environment(job, msg.envelope.sender);
    auto deadline = Clock::now() + job.time_limit;
    ::signal(SIGPIPE, SIG_IGN);
    pid_t pid = ::fork();
    if (pid < 0) return deferred("4.3.0", std::string("fork: ") + std::strerror(errno));
    if (pid == 0) exec_command(job, env, in_r.get(), out_w.get());
    in_r.reset();
    out_w.reset();
    std::string output;
    std::atomic<Clock::rep> stop_at{(deadline + std::chrono::seconds(1)).time_since_epoch().count()};
    std::thread reader([&] { output = drain(out_r.get(), stop_at); });
    PipeOps ops(deadline);
    Status wr = write_message(in_w.get(), msg, job, ops);
    in_w.reset();
    auto status = wait_until(pid, deadline);
    auto grace = (Clock::now() + std::chrono::seconds(1)).time_since_epoch().count();
    if (grace < stop_at.load()) stop_at.store(grace);
    reader.join();
    if (!status) return deferred("4.4.7", "command time limit exceeded: " + log::printable(job.command));
    if (!wr && wr.error().sys_errno != ETIMEDOUT && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        return deferred("4.3.0", "cannot write message to command: " + wr.error().message);
    return outcome_of(*status, output);
}

}  // namespace postern::local
