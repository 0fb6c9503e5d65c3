// Maildir delivery.
#include "local_maildir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "lib/base/safe_file.hpp"
#include "local_headers.hpp"
#include "local_writer.hpp"

namespace postern::local {
namespace {

unsigned long g_counter = 0;

std::string host_part() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
    std::string out;
    for (const char* p = name; *p; ++p) {
        if (*p == '/') out += "\\057";
        else if (*p == ':') out += "\\072";
        else out += *p;
    }
    return out;
}

// mkdir when missing, then insist on a real directory of ours (no symlink).
// The usual case, an existing directory of ours, costs one lstat.
Status make_dir(const std::string& path) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == ::geteuid()) return {};
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return errno_error("mkdir " + path);
    FileCheck check;
    check.regular = false;
    check.directory = true;
    check.owner = ::geteuid();
    auto fd = open_checked(path, O_RDONLY | O_DIRECTORY, 0, check);
    if (!fd) return fd.error();
    return {};
}

// Write headers + content to fd, fsync; then make tmp visible as dst.
Status write_message(int fd, const Message& msg, std::string_view recipient, FileOps& ops, bool& read_error) {
    MailWriter w(fd, ops);
    POSTERN_TRY(w.put(delivery_headers(msg.envelope.sender, recipient)));
    if (Status st = w.copy_content(msg); !st) {
        read_error = !w.write_failed();
        return st;
    }
    POSTERN_TRY(w.flush());
    return ops.fsync(fd);
}

Status publish(const std::string& tmp, const std::string& dst, FileOps& ops) {
    // Never replace an existing file: renameat2(RENAME_NOREPLACE) in one
    // step where the file system has it, else link() + unlink(), else
    // rename() for file systems without hard links.
    bool moved = ::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dst.c_str(), RENAME_NOREPLACE) == 0;
    if (!moved && errno == EEXIST) return errno_error("rename " + dst);
    if (!moved) {
        if (::link(tmp.c_str(), dst.c_str()) == 0) ::unlink(tmp.c_str());
        else if (errno == EEXIST) return errno_error("link " + dst);
        else POSTERN_TRY(ops.rename(tmp, dst));
    }
    return ops.fsync_dir(dirname_of(dst));
}

}  // namespace

std::string maildir_unique_name() {
    struct timeval tv {};
    ::gettimeofday(&tv, nullptr);
    return std::to_string(tv.tv_sec) + ".M" + std::to_string(tv.tv_usec) + "P" + std::to_string(::getpid()) + "Q" +
           std::to_string(++g_counter) + "." + host_part();
}

Outcome deliver_maildir(const Settings& settings, const Message& msg, std::string_view recipient,
                        const Identity& user, FileOps& ops) {
    const std::string dir = settings.mail_spool_directory + "/" + user.name;
    for (const char* sub : {"", "/tmp", "/new", "/cur"})
        if (Status st = make_dir(dir + sub); !st) return fs_failure(st.error());
    const std::string unique = maildir_unique_name();
    const std::string tmp = dir + "/tmp/" + unique;
    auto fd = open_checked(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600, FileCheck{});
    if (!fd) return fs_failure(fd.error());
    bool read_error = false;
    Status st = write_message(fd->get(), msg, recipient, ops, read_error);
    fd->reset();
    if (st) st = publish(tmp, dir + "/new/" + unique, ops);
    if (!st) {
        ::unlink(tmp.c_str());
        return read_error ? deferred("4.3.0", "queue file read error: " + st.error().message) : fs_failure(st.error());
    }
    return delivered("delivered to maildir");
}

}  // namespace postern::local
