// Framed I/O over UNIX stream sockets. Every wait is a poll() against one
// deadline per frame, so a peer that sends one byte a minute cannot hold a
// process past its timeout; a frame's length is checked before any payload
// is read or allocated.
#include "lib/ipc/channel.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

namespace postern::ipc {
namespace {

using Clock = std::chrono::steady_clock;

// Wait until fd is ready for events or the deadline passes.
Status wait_for(int fd, short events, Clock::time_point deadline, std::string_view what) {
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
        if (left < 0) left = 0;
        struct pollfd p {fd, events, 0};
        int r = ::poll(&p, 1, static_cast<int>(left > 0x7fffffff ? 0x7fffffff : left));
        if (r > 0) return {};
        if (r == 0) return make_error(std::string("timeout ") + std::string(what), ETIMEDOUT);
        if (errno != EINTR) return errno_error("poll");
    }
}

Clock::time_point deadline_after(Millis timeout) {
    return timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point::max();
}

// Read exactly n bytes; got says how many arrived (to tell EOF from truncation).
Status read_exact(int fd, char* out, std::size_t n, Clock::time_point deadline, std::size_t& got) {
    got = 0;
    while (got < n) {
        POSTERN_TRY(wait_for(fd, POLLIN, deadline, "reading message"));
        ssize_t r = ::read(fd, out + got, n - got);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return errno_error("read");
        }
        if (r == 0) return make_error("truncated message");
        got += static_cast<std::size_t>(r);
    }
    return {};
}

Status write_exact(int fd, std::string_view data, Clock::time_point deadline) {
    while (!data.empty()) {
        POSTERN_TRY(wait_for(fd, POLLOUT, deadline, "writing message"));
        // MSG_NOSIGNAL: a vanished peer is an error return, not SIGPIPE.
        ssize_t r = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (r < 0 && errno == ENOTSOCK) r = ::write(fd, data.data(), data.size());
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return errno_error("write");
        }
        data.remove_prefix(static_cast<std::size_t>(r));
    }
    return {};
}

Result<sockaddr_un> unix_address(const std::string& path) {
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) return make_error(path + ": socket path too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

std::uint32_t get_u32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Connect a non-blocking socket, waiting for a full listen queue to drain.
Status connect_until(int fd, const sockaddr_un& addr, const std::string& path, Clock::time_point deadline) {
    for (;;) {
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return {};
        if (errno == EINTR) continue;
        if (errno == EINPROGRESS) {
            POSTERN_TRY(wait_for(fd, POLLOUT, deadline, "connecting to " + path));
            int err = 0;
            socklen_t len = sizeof err;
            if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno_error(path);
            return err == 0 ? Status{} : Status{errno_error(path, err)};
        }
        if (errno != EAGAIN) return errno_error(path);
        if (Clock::now() >= deadline) return make_error("timeout connecting to " + path, ETIMEDOUT);
        std::this_thread::sleep_for(Millis{10});
    }
}

}  // namespace

Result<UniqueFd> connect_unix(const std::string& path, Millis timeout) {
    auto addr = unix_address(path);
    if (!addr) return addr.error();
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return errno_error("socket");
    POSTERN_TRY(connect_until(fd.get(), *addr, path, deadline_after(timeout)));
    int fl = ::fcntl(fd.get(), F_GETFL);
    if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) return errno_error(path + ": fcntl");
    return fd;
}

Result<UniqueFd> listen_unix(const std::string& path, unsigned mode, int backlog) {
    auto addr = unix_address(path);
    if (!addr) return addr.error();
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        // Only a stale socket may be replaced; anything else is an admin's file.
        if (!S_ISSOCK(st.st_mode)) return make_error(path + ": exists and is not a socket");
        if (::unlink(path.c_str()) != 0) return errno_error(path + ": unlink");
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return errno_error("socket");
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) return errno_error(path + ": bind");
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) return errno_error(path + ": chmod");
    if (::listen(fd.get(), backlog) != 0) return errno_error(path + ": listen");
    return fd;
}

Status send_frame(int fd, const AttrList& list, Millis timeout) {
    // The wire counts are u16 and u32: refuse what would wrap rather than
    // send a frame the peer would misparse.
    if (list.size() > 0xffff) return make_error("too many attributes (" + std::to_string(list.size()) + ")");
    std::string frame = encode_frame(list);
    if (frame.size() - 4 > 0xffffffffu) return make_error("message too large");
    return write_exact(fd, frame, deadline_after(timeout));
}

Result<AttrList> recv_frame(int fd, const Limits& limits, Millis timeout) {
    auto deadline = deadline_after(timeout);
    unsigned char head[4];
    std::size_t got = 0;
    if (auto st = read_exact(fd, reinterpret_cast<char*>(head), sizeof head, deadline, got); !st)
        return got == 0 && st.error().message == "truncated message" ? make_error("eof") : st.error();
    std::size_t len = get_u32(head);
    if (len > limits.max_payload)
        return make_error("message too large (" + std::to_string(len) + " > " + std::to_string(limits.max_payload) +
                          " bytes)");
    std::string payload(len, '\0');
    if (auto st = read_exact(fd, payload.data(), len, deadline, got); !st) return st.error();
    return decode_payload(payload, limits);
}

Status send_trigger(const std::string& socket_path, char what) {
    // A plain wake-up ('W') does not wait for room in the listen queue
    // either: a full queue is made of wake-ups the server has not taken
    // yet. Other triggers carry a request (flush, reread) and wait a while.
    bool wake_up = what == 'W';
    auto fd = connect_unix(socket_path, wake_up ? Millis{1} : Millis{1000});  // 0 would mean no limit
    if (!fd && wake_up && fd.error().sys_errno == ETIMEDOUT) return {};
    if (!fd) return fd.error();
    // Fire and forget: if the server is too busy to take one byte it is
    // already awake, so a full buffer is not worth waiting for.
    ssize_t r;
    do r = ::send(fd->get(), &what, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno != EAGAIN) return errno_error(socket_path + ": write");
    return {};
}

}  // namespace postern::ipc
