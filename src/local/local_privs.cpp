// Per-delivery child processes that become the recipient.
#include "local_privs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "lib/base/log.hpp"
#include "lib/base/unique_fd.hpp"
#include "lib/ipc/attr.hpp"

namespace postern::local {
namespace {

constexpr std::size_t kMaxReport = 8192;

[[noreturn]] void child_main(int report_fd, const RunAs& who, const std::function<Outcome()>& fn) {
    Outcome o;
    // Root's own mailbox is delivered as root; become() refuses uid 0 by design.
    if (Status st = who.user.uid == 0 ? Status{} : become(who.user, who.groups); !st)
        o = deferred("4.3.0", "cannot become " + who.user.name + ": " + st.error().message);
    else
        o = fn();
    std::string report = encode_outcome(o);
    ssize_t n = ::write(report_fd, report.data(), report.size());
    ::_exit(n == static_cast<ssize_t>(report.size()) ? 0 : 1);
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exit status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

Result<std::string> read_child_report(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string data;
    char buf[8192];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return make_error("delivery timed out");
        struct pollfd p {fd, POLLIN, 0};
        int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 60000)));
        if (r < 0 && errno != EINTR) return errno_error("poll");
        if (r <= 0) continue;
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno != EINTR) return errno_error("read from delivery process");
        if (n == 0) return data;
        if (n > 0) data.append(buf, static_cast<std::size_t>(n));
        if (data.size() > max_bytes) return make_error("delivery process report too long");
    }
}

std::string encode_outcome(const Outcome& o) {
    ipc::AttrList list;
    list.add_int("status", static_cast<std::int64_t>(o.status)).add("dsn", o.dsn).add("reason", o.reason);
    return ipc::encode_payload(list);
}

Result<Outcome> decode_outcome(std::string_view payload) {
    ipc::Limits limits;
    limits.max_payload = kMaxReport;
    auto list = ipc::decode_payload(payload, limits);
    if (!list) return list.error();
    ipc::AttrReader r(*list, limits);
    auto status = r.num("status");
    auto dsn = r.str("dsn");
    auto reason = r.str("reason");
    if (!status) return status.error();
    if (!dsn) return dsn.error();
    if (!reason) return reason.error();
    POSTERN_TRY(r.finish());
    if (*status < 0 || *status > static_cast<std::int64_t>(Outcome::Status::Bounced))
        return make_error("bad status " + std::to_string(*status));
    Outcome o;
    o.status = static_cast<Outcome::Status>(*status);
    o.dsn = std::move(*dsn);
    o.reason = std::move(*reason);
    return o;
}

Outcome run_delivery(bool privileged, const RunAs& who, std::chrono::milliseconds timeout,
                     const std::function<Outcome()>& fn) {
    if (!privileged) return fn();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return deferred("4.3.0", std::string("pipe: ") + std::strerror(errno));
    UniqueFd rd(fds[0]), wr(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) return deferred("4.3.0", std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        rd.reset();
        child_main(wr.get(), who, fn);
    }
    wr.reset();
    auto report = read_child_report(rd.get(), kMaxReport, timeout);
    if (!report) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!report) return deferred("4.3.0", report.error().message);
    auto o = decode_outcome(*report);
    if (!o) {
        log::warn("delivery process %d for %s: %s, %s", static_cast<int>(pid), who.user.name.c_str(),
                  o.error().message.c_str(), describe_exit(status).c_str());
        return deferred("4.3.0", "delivery process failed: " + describe_exit(status));
    }
    return *o;
}

}  // namespace postern::local
