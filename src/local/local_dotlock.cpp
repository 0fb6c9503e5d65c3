// Mailbox locks: dot-lock files and fcntl locks.
#include "local_dotlock.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <thread>

#include "lib/base/log.hpp"

namespace postern::local {
namespace {

// Remove path when it is older than stale; true when removed.
bool remove_if_stale(const std::string& path, std::chrono::seconds stale) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT;  // gone meanwhile: retry at once
    if (std::time(nullptr) - st.st_mtime <= stale.count()) return false;
    if (::unlink(path.c_str()) != 0) return false;
    log::warn("%s: removed stale lock file", path.c_str());
    return true;
}

}  // namespace

Result<DotLock> DotLock::acquire(const std::string& path, const LockPolicy& policy) {
    int removed = 0;
    for (int attempt = 0; attempt < policy.attempts; ++attempt) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
            return DotLock(path);
        }
        if (errno == EACCES || errno == EPERM || errno == EROFS) return DotLock(std::string());
        if (errno != EEXIST) return errno_error(path);
        if (remove_if_stale(path, policy.stale)) {
            // A removed stale lock is not a try, but a lock that keeps
            // reappearing stale is not allowed to keep us here.
            if (++removed <= 3) --attempt;
            continue;
        }
        if (attempt + 1 < policy.attempts) std::this_thread::sleep_for(policy.delay);
    }
    return make_error(path + ": mailbox locked", EWOULDBLOCK);
}

DotLock::~DotLock() {
    if (!path_.empty() && ::unlink(path_.c_str()) != 0 && errno != ENOENT)
        log::warn("%s: cannot remove lock file: %s", path_.c_str(), std::strerror(errno));
}

Status lock_fd(int fd, const std::string& path, const LockPolicy& policy) {
    for (int attempt = 0; attempt < policy.attempts; ++attempt) {
        struct flock fl {};
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (::fcntl(fd, F_SETLK, &fl) == 0) return {};
        if (errno != EACCES && errno != EAGAIN && errno != EINTR) return errno_error(path + ": fcntl lock");
        if (attempt + 1 < policy.attempts) std::this_thread::sleep_for(policy.delay);
    }
    return make_error(path + ": mailbox locked", EWOULDBLOCK);
}

}  // namespace postern::local
