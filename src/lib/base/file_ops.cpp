// The real FileOps: plain syscalls, retried on EINTR and short writes.
#include "lib/base/file_ops.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "lib/base/unique_fd.hpp"

namespace postern {

Status FileOps::write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("write");
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

Status FileOps::pwrite_all(int fd, std::string_view data, off_t offset) {
    while (!data.empty()) {
        ssize_t n = ::pwrite(fd, data.data(), data.size(), offset);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("pwrite");
        }
        data.remove_prefix(static_cast<std::size_t>(n));
        offset += n;
    }
    return {};
}

Status FileOps::fsync(int fd) {
    if (::fsync(fd) != 0) return errno_error("fsync");
    return {};
}

Status FileOps::rename(const std::string& from, const std::string& to) {
    if (std::rename(from.c_str(), to.c_str()) != 0) return errno_error("rename " + from + " to " + to);
    return {};
}

Status FileOps::fsync_dir(const std::string& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return errno_error(dir);
    if (::fsync(fd.get()) != 0) return errno_error(dir + ": fsync");
    return {};
}

FileOps& posix_file_ops() {
    static FileOps ops;
    return ops;
}

}  // namespace postern
