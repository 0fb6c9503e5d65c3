// The two loops a service can run on master's listening socket: one
// connection at a time (cleanup, local, smtpd), or wake-up triggers
// (pickup, qmgr). Many processes share one listening socket, which master
// made non-blocking: whoever loses the race for a connection gets EAGAIN
// and goes back to poll.
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"

namespace postern::server {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// How long a loop may sleep in poll before it looks at the stop flag again
// (a signal between the check and poll would otherwise go unnoticed).
constexpr milliseconds kStopCheckInterval{1000};

// True when fd became readable within timeout (false on timeout or EINTR).
bool wait_readable(int fd, milliseconds timeout) {
    struct pollfd p {fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    return n > 0;
}

// Up to $default_process_limit processes wait on one listening socket.
// With poll(2) each new connection woke all of them and all but one lost
// the accept race (a thundering herd that cost more CPU than the work);
// an epoll set with EPOLLEXCLUSIVE wakes one. poll(2) if the kernel
// refuses the set.
class ConnectionWaiter {
public:
    explicit ConnectionWaiter(int listen_fd) : listen_fd_(listen_fd), set_(::epoll_create1(EPOLL_CLOEXEC)) {
        struct epoll_event ev {};
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.fd = listen_fd;
        if (set_.valid() && ::epoll_ctl(set_.get(), EPOLL_CTL_ADD, listen_fd, &ev) != 0) set_.reset();
    }
    // True when a connection may be waiting (false on timeout or EINTR).
    bool wait(milliseconds timeout) const {
        if (!set_.valid()) return wait_readable(listen_fd_, timeout);
        struct epoll_event ev {};
        return ::epoll_wait(set_.get(), &ev, 1, static_cast<int>(timeout.count())) > 0;
    }

private:
    int listen_fd_;
    UniqueFd set_;
};

UniqueFd accept_one(int listen_fd) {
    int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) return UniqueFd(fd);
    switch (errno) {
        case EAGAIN:
#if EWOULDBLOCK != EAGAIN
        case EWOULDBLOCK:
#endif
        case EINTR:
        case ECONNABORTED:
            break;  // another process won, a signal, or the client gave up
        case EMFILE:
        case ENFILE:
        case ENOBUFS:
        case ENOMEM:
            log::warn("accept: %s; pausing", std::strerror(errno));
            ::sleep(1);
            break;
        default:
            log::warn("accept: %s", std::strerror(errno));
            break;
    }
    return UniqueFd();
}

// Append up to max - out.size() bytes from fd, waiting at most timeout in
// total (timeout 0: only what is already there).
void read_bounded(int fd, std::string& out, std::size_t max, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buf[kMaxTriggerBytes];
    while (out.size() < max) {
        auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
        if (!wait_readable(fd, std::max(left, milliseconds{0}))) return;
        ssize_t n = ::read(fd, buf, std::min(sizeof buf, max - out.size()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        out.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

int run_accept_loop(const Context& ctx, const std::function<void(UniqueFd)>& handle) {
    return run_accept_loop(ctx, handle, {});
}

int run_accept_loop(const Context& ctx, const std::function<void(UniqueFd)>& handle,
                    const std::function<milliseconds()>& idle) {
    const ConnectionWaiter waiter(ctx.listen_fd);
    while (!stop_requested()) {
        auto wait = idle ? std::clamp(idle(), milliseconds{0}, kStopCheckInterval) : kStopCheckInterval;
        if (!waiter.wait(wait)) continue;
        UniqueFd conn = accept_one(ctx.listen_fd);
        if (!conn.valid()) continue;
        try {
            handle(std::move(conn));
        } catch (const std::exception& e) {
            log::warn("%s: connection failed: %s", ctx.service.c_str(), e.what());
        }
    }
    return 0;
}

std::string wait_for_trigger(const Context& ctx, milliseconds max_wait) {
    const auto deadline = Clock::now() + max_wait;
    std::string bytes;
    while (!stop_requested()) {
        auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
        if (left <= milliseconds{0}) return bytes;
        if (!wait_readable(ctx.listen_fd, std::min(left, kStopCheckInterval))) continue;
        UniqueFd conn = accept_one(ctx.listen_fd);
        if (!conn.valid()) continue;
        read_bounded(conn.get(), bytes, kMaxTriggerBytes, kTriggerReadTimeout);
        conn.reset();
        // A burst of triggers is one wake-up: take what else is pending now.
        while (wait_readable(ctx.listen_fd, milliseconds{0})) {
            UniqueFd more = accept_one(ctx.listen_fd);
            if (!more.valid()) break;
            read_bounded(more.get(), bytes, kMaxTriggerBytes, milliseconds{0});
        }
        return bytes;
    }
    return bytes;
}

}  // namespace postern::server
