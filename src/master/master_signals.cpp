// The self-pipe behind SignalPipe.
#include "master_signals.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace postern::master {
namespace {

int g_write_fd = -1;

void on_signal(int sig) {
    int saved = errno;
    unsigned char byte = static_cast<unsigned char>(sig);
    [[maybe_unused]] ssize_t n = ::write(g_write_fd, &byte, 1);
    errno = saved;
}

constexpr int kHandled[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT};

}  // namespace

Result<SignalPipe> SignalPipe::install() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return errno_error("pipe");
    g_write_fd = fds[1];

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    for (int sig : kHandled)
        if (::sigaction(sig, &sa, nullptr) != 0) return errno_error("sigaction");
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    ::sigaction(SIGPIPE, &ign, nullptr);
    return SignalPipe(UniqueFd(fds[0]));
}

std::vector<int> SignalPipe::drain() {
    std::vector<int> out;
    unsigned char buf[64];
    ssize_t n;
    while ((n = ::read(read_.get(), buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; ++i) out.push_back(buf[i]);
    return out;
}

}  // namespace postern::master
