// Timed, non-blocking socket I/O with optional TLS (see the header).
#include "smtp_conn.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>

namespace postern::smtp {
namespace {

using Clock = std::chrono::steady_clock;

// Wait until fd is ready for events or the deadline passes.
Status wait_fd(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
        if (left <= 0) return make_error("timeout");
        struct pollfd p{fd, events, 0};
        int n = ::poll(&p, 1, static_cast<int>(left));
        if (n > 0) return {};
        if (n < 0 && errno != EINTR) return errno_error("poll");
    }
}

Result<sockaddr_storage> make_sockaddr(const std::string& address, int port, socklen_t& len) {
    sockaddr_storage ss{};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<uint16_t>(port));
        len = sizeof *v6;
    } else {
        return make_error("not a numeric address: " + address);
    }
    return ss;
}

}  // namespace

Result<Connection> Connection::open(const std::string& address, int port, Millis timeout) {
    socklen_t len = 0;
    auto sa = make_sockaddr(address, port, len);
    if (!sa) return sa.error();
    UniqueFd fd(::socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return errno_error("socket");
    auto deadline = Clock::now() + timeout;
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&*sa), len) != 0) {
        if (errno != EINPROGRESS) return errno_error("connect");
        if (auto w = wait_fd(fd.get(), POLLOUT, deadline); !w) return make_error("connect: " + w.error().message);
        int err = 0;
        socklen_t elen = sizeof err;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &elen);
        if (err != 0) return errno_error("connect", err);
    }
    return Connection(std::move(fd));
}

Result<std::size_t> Connection::read_some(char* buf, std::size_t n, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        short want = POLLIN;
        if (tls_) {
            int r = SSL_read(tls_.get(), buf, static_cast<int>(n));
            if (r > 0) return static_cast<std::size_t>(r);
            int e = SSL_get_error(tls_.get(), r);
            if (e == SSL_ERROR_ZERO_RETURN) return make_error("connection closed");
            if (e == SSL_ERROR_WANT_WRITE) want = POLLOUT;
            else if (e != SSL_ERROR_WANT_READ) return make_error("TLS read: " + tls_error_text());
        } else {
            ssize_t r = ::read(fd_.get(), buf, n);
            if (r > 0) return static_cast<std::size_t>(r);
            if (r == 0) return make_error("connection closed");
            if (errno != EAGAIN && errno != EINTR) return errno_error("read");
        }
        if (auto w = wait_fd(fd_.get(), want, deadline); !w) return w.error();
    }
}

Result<std::size_t> Connection::write_some(std::string_view data, Millis timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        short want = POLLOUT;
        if (tls_) {
            int r = SSL_write(tls_.get(), data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20)));
            if (r > 0) return static_cast<std::size_t>(r);
            int e = SSL_get_error(tls_.get(), r);
            if (e == SSL_ERROR_WANT_READ) want = POLLIN;
            else if (e != SSL_ERROR_WANT_WRITE) return make_error("TLS write: " + tls_error_text());
        } else {
            ssize_t r = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
            if (r >= 0) return static_cast<std::size_t>(r);
            if (errno != EAGAIN && errno != EINTR) return errno_error("write");
        }
        if (auto w = wait_fd(fd_.get(), want, deadline); !w) return w.error();
    }
}

Status Connection::write(std::string_view data, Millis timeout) {
    while (!data.empty()) {
        auto n = write_some(data, timeout);
        if (!n) return n.error();
        data.remove_prefix(*n);
    }
    return {};
}

Result<std::string> Connection::read_line(std::size_t max_line, Millis timeout) {
    for (;;) {
        auto nl = in_.find('\n', in_pos_);
        if (nl != std::string::npos) {
            if (nl - in_pos_ > max_line + 1) return make_error("reply line too long");
            std::string line = in_.substr(in_pos_, nl - in_pos_);
            in_pos_ = nl + 1;
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        }
        if (in_.size() - in_pos_ > max_line) return make_error("reply line too long");
        in_.erase(0, in_pos_);
        in_pos_ = 0;
        char buf[4096];
        auto n = read_some(buf, sizeof buf, timeout);
        if (!n) return n.error();
        in_.append(buf, *n);
    }
}

Status Connection::start_tls(const TlsClient& tls, const std::string& server_name, Millis timeout) {
    if (in_pos_ != in_.size()) return make_error("server sent data before the TLS handshake");
    auto session = tls.new_session(fd_.get(), server_name);
    if (!session) return session.error();
    auto deadline = Clock::now() + timeout;
    for (;;) {
        int r = SSL_connect(session->get());
        if (r == 1) break;
        int e = SSL_get_error(session->get(), r);
        short want = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (want == 0) {
            long v = SSL_get_verify_result(session->get());
            std::string why = v != X509_V_OK ? X509_verify_cert_error_string(v) : tls_error_text();
            return make_error("TLS handshake: " + why);
        }
        if (auto w = wait_fd(fd_.get(), want, deadline); !w) return make_error("TLS handshake: " + w.error().message);
    }
    tls_ = std::move(*session);
    return {};
}

bool Connection::quiet() const {
    if (in_pos_ != in_.size()) return false;
    struct pollfd p{fd_.get(), POLLIN | POLLRDHUP, 0};
    return ::poll(&p, 1, 0) == 0;
}

std::string Connection::tls_summary() const {
    if (!tls_) return "no TLS";
    return std::string(SSL_get_version(tls_.get())) + " with cipher " + SSL_get_cipher_name(tls_.get());
}

}  // namespace postern::smtp
