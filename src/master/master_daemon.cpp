// fork/setsid with a readiness pipe back to the waiting parent.
#include "master_daemon.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace postern::master {

UniqueFd detach() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        std::fprintf(stderr, "master: fatal: pipe: %s\n", std::strerror(errno));
        std::exit(1);
    }
    pid_t pid = ::fork();
    if (pid < 0) {
        std::fprintf(stderr, "master: fatal: fork: %s\n", std::strerror(errno));
        std::exit(1);
    }
    if (pid > 0) {
        ::close(fds[1]);
        char byte = 0;
        ssize_t n;
        while ((n = ::read(fds[0], &byte, 1)) < 0 && errno == EINTR) {
        }
        _exit(n == 1 ? 0 : 1);
    }
    ::close(fds[0]);
    ::setsid();
    if (::chdir("/") != 0) {
        std::fprintf(stderr, "master: fatal: chdir /: %s\n", std::strerror(errno));
        _exit(1);
    }
    ::umask(022);
    return UniqueFd(fds[1]);
}

void report_ready(UniqueFd& ready) {
    if (!ready.valid()) return;
    // stdio stays on the caller's terminal until now, so every start-up
    // error reached "postern-ctl start".
    int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        for (int fd = 0; fd <= 2; ++fd) ::dup2(null, fd);
        if (null > 2) ::close(null);
    }
    char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(ready.get(), &byte, 1);
    ready.reset();
}

}  // namespace postern::master
