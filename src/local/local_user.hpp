// Local users: who owns a local name. A system instance asks the password
// database (getpwnam); a user instance has no users of its own: NAME exists
// when $mail_spool_directory/NAME/ is a directory (its Maildir; with
// mailbox_format = mbox also when NAME is a regular file there), and every
// delivery runs as the instance's own user.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lib/base/identity.hpp"
#include "lib/base/result.hpp"
#include "local_settings.hpp"

namespace postern::local {

// A name that can safely become a path component under the spool directory
// and a passwd lookup key: 1..255 bytes, no '/', no leading '.', no control
// bytes or white space.
bool valid_user_name(std::string_view name);

// The local part of an address (before the last '@'), without the
// extension after the first $recipient_delimiter character (user+ext -> user).
std::string local_part(std::string_view address);
std::string strip_extension(std::string_view local, std::string_view delimiters);

// nullopt: no such user (bounce); Error: the lookup failed (defer).
Result<std::optional<Identity>> find_user(const Settings& settings, const std::string& name);

}  // namespace postern::local
