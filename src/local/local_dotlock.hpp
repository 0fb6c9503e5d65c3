// DotLock: the NAME.lock file beside an mbox, held for one delivery.
#pragma once

#include <chrono>
#include <string>

#include "lib/base/result.hpp"

namespace postern::local {

struct LockPolicy {
    int attempts = 20;
    std::chrono::milliseconds delay{1000};
    std::chrono::seconds stale{300};
};

class DotLock {
public:
    // Create path exclusively; remove a stale one; retry per policy. Fails
    // with "PATH: mailbox locked" when another holder keeps it. A spool
    // directory where we may not create files yields an unheld lock (held()
    // false) so delivery relies on the fcntl lock alone.
    static Result<DotLock> acquire(const std::string& path, const LockPolicy& policy);
    DotLock(DotLock&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
    DotLock& operator=(DotLock&&) = delete;
    DotLock(const DotLock&) = delete;
    ~DotLock();
    bool held() const { return !path_.empty(); }

private:
    explicit DotLock(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

// fcntl F_SETLK write lock on the whole file, retried per policy.
Status lock_fd(int fd, const std::string& path, const LockPolicy& policy);

}  // namespace postern::local
