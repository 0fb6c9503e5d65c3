// Maildir delivery: $mail_spool_directory/NAME/{tmp,new,cur} (created mode
// 0700 when missing, by the recipient: this runs after become()). The
// message is written to tmp/UNIQUE, fsynced, linked (or renamed) to
// new/UNIQUE and new/ is fsynced: a reader sees the whole file or nothing.
// UNIQUE = SECONDS.M<micros>P<pid>Q<counter>.HOSTNAME ('/' and ':' in the
// host name written as \057 and \072, as Maildir readers expect).
#pragma once

#include <string>
#include <string_view>

#include "lib/base/file_ops.hpp"
#include "lib/base/identity.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

// recipient: the address written in Delivered-To.
Outcome deliver_maildir(const Settings& settings, const Message& msg, std::string_view recipient,
                        const Identity& user, FileOps& ops = posix_file_ops());

std::string maildir_unique_name();

}  // namespace postern::local
