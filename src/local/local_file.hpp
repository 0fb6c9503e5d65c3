// /file delivery (aliases, .forward and :include: entries): append the
// message in mbox format, as the destination's run_as user (the caller
// already became it, with initgroups), so the kernel's permission checks
// are that user's.
//
// The path must be absolute. "/dev/null" is accepted and discards the
// message (as in sendmail). Otherwise the file is opened with O_NOFOLLOW
// and O_APPEND, created 0600 when missing (O_EXCL), and must be a regular
// file with one link and no set-id or execute bits; then an fcntl lock
// ($deliver_lock_attempts x $deliver_lock_delay), the append, fsync; on
// any failure the file is truncated back to its old length and the
// delivery deferred. A refused file (symlink, hard link, wrong type) bounces
// 5.2.0: retrying would not change it.
#pragma once

#include <string>
#include <string_view>

#include "lib/base/file_ops.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

Outcome deliver_file(const Settings& settings, const Message& msg, std::string_view recipient,
                     const std::string& path, FileOps& ops = posix_file_ops());

}  // namespace postern::local
