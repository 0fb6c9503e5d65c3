// master's pid file and the lock that says "the mail system is running".
#include "lib/server/pid_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"

namespace postern::server {
namespace {

// A pid line is a handful of digits; anything longer is not ours.
constexpr std::size_t kMaxPidFileBytes = 64;

pid_t read_pid(int fd) {
    char buf[kMaxPidFileBytes];
    ssize_t n = ::pread(fd, buf, sizeof buf, 0);
    if (n <= 0) return 0;
    auto pid = parse_int(trim(std::string_view(buf, static_cast<std::size_t>(n))));
    return pid && *pid > 0 ? static_cast<pid_t>(*pid) : 0;
}

bool would_block(int err) { return err == EWOULDBLOCK || err == EAGAIN; }

}  // namespace

std::string master_pid_path(const config::Config& cfg) { return cfg.queue_path("pid") + "/master.pid"; }

Result<PidFile> PidFile::acquire(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return errno_error(path);
    UniqueFd owned(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (!would_block(errno)) return errno_error(path + ": lock");
        return make_error("the mail system is already running (pid " + std::to_string(read_pid(fd)) + ")");
    }
    return PidFile(std::move(owned), path);
}

Status PidFile::write_pid(pid_t pid) {
    std::string line = std::to_string(pid) + "\n";
    if (::ftruncate(fd_.get(), 0) != 0) return errno_error(path_);
    if (::pwrite(fd_.get(), line.data(), line.size(), 0) != static_cast<ssize_t>(line.size()))
        return errno_error(path_);
    if (::fsync(fd_.get()) != 0) return errno_error(path_);
    return {};
}

void PidFile::remove() { ::unlink(path_.c_str()); }

Result<std::optional<pid_t>> running_master(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT) return std::optional<pid_t>{};
        return errno_error(path);
    }
    UniqueFd owned(fd);
    if (::flock(fd, LOCK_SH | LOCK_NB) == 0) return std::optional<pid_t>{};  // stale: nobody holds it
    if (!would_block(errno)) return errno_error(path + ": lock");
    return std::optional<pid_t>{read_pid(fd)};
}

}  // namespace postern::server
