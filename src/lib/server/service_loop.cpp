// The two loops a service can run on master's listening socket: one
// connection at a time (cleanup, local, smtpd), or wake-up triggers
// (pickup, qmgr). Many processes share one listening socket, which master
// made non-blocking: whoever loses the race for a connection gets EAGAIN
// and goes back to poll.
#include <fcntl.h>
#include <poll.h>
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
    while (!stop_requested()) {
        if (!wait_readable(ctx.listen_fd, kStopCheckInterval)) continue;
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
