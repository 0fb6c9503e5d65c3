// mbox delivery.
#include "local_mailbox.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "lib/base/safe_file.hpp"
#include "local_dotlock.hpp"
#include "local_headers.hpp"
#include "local_writer.hpp"

namespace postern::local {
namespace {

constexpr std::string_view kFrom = "From ";

LockPolicy lock_policy(const Settings& s) { return LockPolicy{s.lock_attempts, s.lock_delay, s.stale_lock_time}; }

Result<UniqueFd> open_mailbox(const std::string& path, uid_t owner) {
    FileCheck check;
    check.owner = owner;
    check.single_link = true;  // a hard link could aim the append at another file
    auto fd = open_checked(path, O_WRONLY | O_APPEND, 0, check);
    if (fd || fd.error().sys_errno != ENOENT) return fd;
    return open_checked(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL, 0600, check);
}

// From_ line, headers, quoted content, final empty line; then fsync.
Status append_message(int fd, const Message& msg, std::string_view recipient, FileOps& ops, bool& read_error) {
    MailWriter w(fd, ops);
    POSTERN_TRY(w.put(from_line(msg.envelope.sender, std::time(nullptr))));
    POSTERN_TRY(w.put(delivery_headers(msg.envelope.sender, recipient)));
    FromQuoter quoter;
    if (Status st = w.copy_content(msg, [&](std::string_view in, std::string& out) { quoter.feed(in, out); }); !st) {
        read_error = !w.write_failed();
        return st;
    }
    std::string tail;
    quoter.finish(tail);
    POSTERN_TRY(w.put(tail));
    if (w.last() != '\n') POSTERN_TRY(w.put("\n"));
    POSTERN_TRY(w.put("\n"));
    POSTERN_TRY(w.flush());
    return ops.fsync(fd);
}

}  // namespace

std::string from_line(std::string_view sender, time_t when) {
    std::string who = sender.empty() ? std::string("MAILER-DAEMON") : std::string(sender);
    for (char& c : who)
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t') c = '_';
    struct tm tm {};
    ::localtime_r(&when, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
    return "From " + who + " " + date + "\n";
}

void FromQuoter::feed(std::string_view in, std::string& out) {
    std::size_t i = 0;
    while (i < in.size()) {
        if (at_start_) {
            while (pending_.size() < kFrom.size() && i < in.size() && (pending_.empty() || pending_.back() != '\n'))
                pending_ += in[i++];
            bool complete = pending_.size() == kFrom.size() || pending_.back() == '\n';
            if (!complete) return;  // need the next chunk to decide
            if (pending_ == kFrom) out += '>';
            out += pending_;
            at_start_ = pending_.back() == '\n';
            pending_.clear();
            continue;
        }
        auto nl = in.find('\n', i);
        std::size_t end = nl == std::string_view::npos ? in.size() : nl + 1;
        out.append(in.substr(i, end - i));
        i = end;
        at_start_ = nl != std::string_view::npos;
    }
}

void FromQuoter::finish(std::string& out) {
    out += pending_;
    pending_.clear();
    at_start_ = true;
}

std::vector<gid_t> mbox_groups(const Settings& settings) {
    struct stat st {};
    if (::stat(settings.mail_spool_directory.c_str(), &st) != 0) return {};
    if ((st.st_mode & S_IWGRP) && !(st.st_mode & S_IWOTH)) return {st.st_gid};
    return {};
}

Outcome append_mbox(int fd, const std::string& path, const Message& msg, std::string_view recipient, FileOps& ops) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fs_failure(errno_error(path + ": fstat"));
    bool read_error = false;
    if (Status wr = append_message(fd, msg, recipient, ops, read_error); !wr) {
        // Leave the mailbox as it was: a half-written message would corrupt the next one.
        if (::ftruncate(fd, st.st_size) != 0)
            return deferred("4.2.0", path + ": cannot truncate after a write error: " + wr.error().message);
        if (read_error) return deferred("4.3.0", "queue file read error: " + wr.error().message);
        return fs_failure(wr.error());
    }
    return delivered("appended");
}

Outcome deliver_mbox(const Settings& settings, const Message& msg, std::string_view recipient, const Identity& user,
                     FileOps& ops) {
    const std::string path = settings.mail_spool_directory + "/" + user.name;
    auto dotlock = DotLock::acquire(path + ".lock", lock_policy(settings));
    if (!dotlock) return fs_failure(dotlock.error());
    auto fd = open_mailbox(path, user.uid);
    if (!fd) return fs_failure(fd.error());
    if (Status st = lock_fd(fd->get(), path, lock_policy(settings)); !st) return fs_failure(st.error());
    if (Outcome o = append_mbox(fd->get(), path, msg, recipient, ops); o.status != Outcome::Status::Delivered)
        return o;
    return delivered("delivered to mailbox");
}

}  // namespace postern::local
