// Safe file helpers: every check is made on the open fd (fstat), never by a
// stat-then-open that an attacker could race; the last path component is
// never followed when it is a symlink.
#include "lib/base/safe_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace postern {
namespace {

// Turn a failed open(O_NOFOLLOW) into the message an admin can act on.
Error open_error(const std::string& path, int err) {
    struct stat st {};
    if ((err == ELOOP || err == ENOTDIR || err == EMLINK) && ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        return make_error(path + ": is a symbolic link", ELOOP);
    return errno_error(path, err);
}

std::string owner_list(const FileCheck& check) {
    std::string out;
    if (check.owner) out = std::to_string(*check.owner);
    for (uid_t uid : check.allowed_owners) {
        if (!out.empty()) out += " or ";
        out += std::to_string(uid);
    }
    return out;
}

bool owner_ok(uid_t uid, const FileCheck& check) {
    if (!check.owner && check.allowed_owners.empty()) return true;
    if (check.owner && *check.owner == uid) return true;
    for (uid_t allowed : check.allowed_owners)
        if (allowed == uid) return true;
    return false;
}

std::string mode_message(mode_t bad) {
    if ((bad & ~static_cast<mode_t>(S_IWGRP | S_IWOTH)) == 0) return "group or world writable";
    char buf[64];
    std::snprintf(buf, sizeof buf, "has forbidden permission bits %04o", static_cast<unsigned>(bad));
    return buf;
}

std::string strip_trailing_slashes(const std::string& path) {
    std::string p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    return p;
}

}  // namespace

Status check_fd(int fd, const std::string& path, const FileCheck& check) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errno_error(path + ": fstat");
    if (check.directory) {
        if (!S_ISDIR(st.st_mode)) return make_error(path + ": not a directory");
    } else if (check.regular && !S_ISREG(st.st_mode)) {
        return make_error(path + ": not a regular file");
    }
    if (!owner_ok(st.st_uid, check))
        return make_error(path + ": owned by uid " + std::to_string(st.st_uid) + ", expected " + owner_list(check));
    if (mode_t bad = st.st_mode & check.forbidden_mode; bad != 0) return make_error(path + ": " + mode_message(bad));
    if (check.single_link && st.st_nlink != 1)
        return make_error(path + ": has " + std::to_string(st.st_nlink) + " links");
    return {};
}

Result<UniqueFd> open_checked(const std::string& path, int flags, mode_t mode, const FileCheck& check) {
    // O_NONBLOCK only for the open itself: a FIFO planted in place of the file
    // must not hang us waiting for a writer.
    // O_TRUNC waits for the checks: a refused file must be left as it was.
    int open_flags = (flags & ~O_TRUNC) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    UniqueFd fd(::open(path.c_str(), open_flags, mode));
    if (!fd.valid()) return open_error(path, errno);
    POSTERN_TRY(check_fd(fd.get(), path, check));
    if ((flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY && ::ftruncate(fd.get(), 0) != 0)
        return errno_error(path + ": truncate");
    if (!(flags & O_NONBLOCK)) {
        int fl = ::fcntl(fd.get(), F_GETFL);
        if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) return errno_error(path + ": fcntl");
    }
    return fd;
}

Status write_all(int fd, std::string_view data) { return posix_file_ops().write_all(fd, data); }

Status fsync_dir(const std::string& dir) { return posix_file_ops().fsync_dir(dir); }

Result<std::string> read_file(const std::string& path, std::size_t max_bytes) {
    auto fd = open_checked(path, O_RDONLY, 0, FileCheck{});
    if (!fd) return fd.error();
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd->get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error(path + ": read");
        }
        if (n == 0) break;
        if (data.size() + static_cast<std::size_t>(n) > max_bytes)
            return make_error(path + ": file larger than " + std::to_string(max_bytes) + " bytes");
        data.append(buf, static_cast<std::size_t>(n));
    }
    return data;
}

std::string dirname_of(const std::string& path) {
    std::string p = strip_trailing_slashes(path);
    auto slash = p.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return strip_trailing_slashes(p.substr(0, slash));
}

std::string basename_of(const std::string& path) {
    std::string p = strip_trailing_slashes(path);
    if (p == "/") return p;
    auto slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

Status rename_durable(const std::string& from, const std::string& to, FileOps& ops) {
    POSTERN_TRY(ops.rename(from, to));
    std::string to_dir = dirname_of(to);
    POSTERN_TRY(ops.fsync_dir(to_dir));
    std::string from_dir = dirname_of(from);
    if (from_dir != to_dir) POSTERN_TRY(ops.fsync_dir(from_dir));
    return {};
}

Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode, bool durable) {
    std::string dir = dirname_of(path);
    std::string tmpl = dir + "/." + basename_of(path) + ".XXXXXX";
    UniqueFd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd.valid()) return errno_error(tmpl);
    // Remove the temp file on any failure: the old copy stays in place.
    auto cleanup = [&tmpl](Error e) -> Status {
        ::unlink(tmpl.c_str());
        return e;
    };
    FileOps& ops = posix_file_ops();
    if (::fchmod(fd.get(), mode) != 0) return cleanup(errno_error(tmpl + ": fchmod"));
    if (auto st = ops.write_all(fd.get(), data); !st) return cleanup(make_error(tmpl + ": " + st.error().message, st.error().sys_errno));
    if (durable)
        if (auto st = ops.fsync(fd.get()); !st) return cleanup(make_error(tmpl + ": " + st.error().message, st.error().sys_errno));
    if (::close(fd.release()) != 0) return cleanup(errno_error(tmpl + ": close"));
    auto st = durable ? rename_durable(tmpl, path, ops) : ops.rename(tmpl, path);
    if (!st) return cleanup(st.error());
    return {};
}

Status ensure_dir(const std::string& path, mode_t mode, std::optional<uid_t> uid, std::optional<gid_t> gid) {
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return errno_error(path + ": mkdir");
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        int err = errno;
        if (err == ENOTDIR) {
            struct stat st {};
            if (::lstat(path.c_str(), &st) == 0 && !S_ISLNK(st.st_mode)) return make_error(path + ": not a directory");
        }
        return open_error(path, err);
    }
    FileCheck check;
    check.directory = true;
    POSTERN_TRY(check_fd(fd.get(), path, check));
    // Change only what differs, so an unprivileged caller can ensure a
    // directory it may use but not own.
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno_error(path + ": fstat");
    if ((st.st_mode & 07777) != (mode & 07777) && ::fchmod(fd.get(), mode) != 0) return errno_error(path + ": chmod");
    bool owner_differs = (uid && *uid != st.st_uid) || (gid && *gid != st.st_gid);
    if (owner_differs &&
        ::fchown(fd.get(), uid ? *uid : static_cast<uid_t>(-1), gid ? *gid : static_cast<gid_t>(-1)) != 0)
        return errno_error(path + ": chown");
    return {};
}

Result<std::vector<std::string>> list_dir(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return errno_error(path);
    std::unique_ptr<DIR, int (*)(DIR*)> dir(::fdopendir(fd.get()), ::closedir);
    if (!dir) return errno_error(path);
    fd.release();  // owned by dir now
    std::vector<std::string> names;
    for (;;) {
        errno = 0;
        struct dirent* ent = ::readdir(dir.get());
        if (!ent) {
            if (errno != 0) return errno_error(path + ": readdir");
            break;
        }
        std::string_view name = ent->d_name;
        if (name == "." || name == "..") continue;
        names.emplace_back(name);
    }
    return names;
}

}  // namespace postern
