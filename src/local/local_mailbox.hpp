// mbox delivery: $mail_spool_directory/NAME, one file per user.
//
// Locking, as mail readers on the host expect: first the dot-lock NAME.lock
// (created O_EXCL; one older than $stale_lock_time is removed; held by
// someone else for $deliver_lock_attempts x $deliver_lock_delay: deferred
// "4.2.0 mailbox locked"), then an fcntl write lock on the mailbox (same
// bounds). The dot-lock is made by the recipient's uid; when the spool
// directory is group-writable (and not world-writable) the delivery child
// keeps that group as its only supplementary group so it may create the lock
// (doc/DESIGN.md "mbox locking"). If the spool directory does not let the
// recipient create a lock at all, only the fcntl lock is used (as Postfix).
//
// The mailbox is opened without following symlinks and must be a regular
// file with one link, owned by the recipient; a missing one is created with
// O_EXCL, mode 0600. Each message is "From SENDER DATE" (asctime style,
// MAILER-DAEMON for <>), the delivery headers, the content with lines that
// start with "From " written as ">From ", a newline if the content lacked a
// final one, and one empty line. Any write or fsync error truncates the
// mailbox back to its previous size and defers.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/file_ops.hpp"
#include "lib/base/identity.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

Outcome deliver_mbox(const Settings& settings, const Message& msg, std::string_view recipient, const Identity& user,
                     FileOps& ops = posix_file_ops());

// Append one message (From_ line, delivery headers, ">From " quoted
// content, empty line) to fd, already open for append and locked; fsync.
// On failure the file is truncated back to its length before the call.
Outcome append_mbox(int fd, const std::string& path, const Message& msg, std::string_view recipient,
                    FileOps& ops = posix_file_ops());

// Supplementary groups of an mbox delivery child: {spool group} when the
// spool directory is group-writable and not world-writable, else none.
std::vector<gid_t> mbox_groups(const Settings& settings);

// "From SENDER DATE\n" for when (local time, as asctime without its newline).
std::string from_line(std::string_view sender, time_t when);

// Stateful ">From " quoting across chunk boundaries.
class FromQuoter {
public:
    void feed(std::string_view in, std::string& out);
    void finish(std::string& out);  // flush a held partial line start

private:
    std::string pending_;  // start of a line, shorter than "From "
    bool at_start_ = true;
};

}  // namespace postern::local
