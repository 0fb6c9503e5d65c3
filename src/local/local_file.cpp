// /file delivery.
#include "local_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "local_dotlock.hpp"
#include "local_mailbox.hpp"

namespace postern::local {
namespace {

FileCheck file_rules() {
    FileCheck check;
    check.single_link = true;  // a hard link could aim the append at another file
    check.forbidden_mode = S_ISUID | S_ISGID | S_IXUSR | S_IXGRP | S_IXOTH;
    return check;
}

// A refusal that a retry cannot cure bounces; anything else defers.
Outcome refused(const Error& e) {
    if (e.sys_errno == ENOSPC || e.sys_errno == EDQUOT || e.sys_errno == EIO || e.sys_errno == EWOULDBLOCK ||
        e.sys_errno == ENFILE || e.sys_errno == EMFILE)
        return fs_failure(e);
    return bounced("5.2.0", "cannot append to " + e.message);
}

}  // namespace

Outcome deliver_file(const Settings& settings, const Message& msg, std::string_view recipient,
                     const std::string& path, FileOps& ops) {
    if (path.empty() || path.front() != '/') return bounced("5.3.5", "file destination needs an absolute path");
    if (path == "/dev/null") return delivered("discarded (/dev/null)");
    auto fd = open_checked(path, O_WRONLY | O_APPEND, 0, file_rules());
    if (!fd && fd.error().sys_errno == ENOENT)
        fd = open_checked(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600, file_rules());
    if (!fd) return refused(fd.error());
    LockPolicy policy{settings.lock_attempts, settings.lock_delay, settings.stale_lock_time};
    if (Status st = lock_fd(fd->get(), path, policy); !st) return fs_failure(st.error());
    Outcome o = append_mbox(fd->get(), path, msg, recipient, ops);
    if (o.status == Outcome::Status::Delivered) o = delivered("delivered to file");
    return o;
}

}  // namespace postern::local
