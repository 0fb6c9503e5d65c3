// FileOps: the seam between durable-storage code and the kernel. Queue and
// maildrop writers go through it, so tests can fail a write with ENOSPC, an
// fsync with EIO or a rename, and prove that no 250/exit 0 is given for a
// message that is not durable (LevelDB's Env / FaultInjectionTestEnv).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "lib/base/result.hpp"

namespace postern {

class FileOps {
public:
    virtual ~FileOps() = default;
    virtual Status write_all(int fd, std::string_view data);
    virtual Status pwrite_all(int fd, std::string_view data, off_t offset);
    virtual Status fsync(int fd);
    virtual Status rename(const std::string& from, const std::string& to);
    virtual Status fsync_dir(const std::string& dir);
};

// The process-wide real implementation.
FileOps& posix_file_ops();

}  // namespace postern
