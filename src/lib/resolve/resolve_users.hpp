// Local users: who owns a local name, and whether a local address exists at
// all. Shared by local (delivery) and smtpd (RCPT TO checks), so that a
// recipient smtpd accepts is one local can deliver to.
//
// A system instance asks the password database (getpwnam); a user instance
// has no users of its own: NAME exists when $mail_spool_directory/NAME/ is
// a directory (its Maildir; with mailbox_format = mbox also when NAME is a
// regular file there), and every delivery runs as the instance's own user.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lib/base/identity.hpp"
#include "lib/base/result.hpp"
#include "lib/resolve/resolve_aliases.hpp"

namespace postern::resolve {

struct UserDirectory {
    std::string mail_spool_directory;
    bool mbox = true;            // mailbox_format = mbox (a regular file is a mailbox too)
    bool user_instance = false;
    std::string recipient_delimiter = "+";
};

// A name that can safely become a path component under the spool directory
// and a passwd lookup key: 1..255 bytes, no '/', no leading '.', no control
// bytes or white space.
bool valid_user_name(std::string_view name);

// The local part of an address (before the last '@'), without the
// extension after the first $recipient_delimiter character (user+ext -> user).
std::string local_part(std::string_view address);
std::string strip_extension(std::string_view local, std::string_view delimiters);

// nullopt: no such user (bounce); Error: the lookup failed (defer).
Result<std::optional<Identity>> find_user(const UserDirectory& users, const std::string& name);

// Does the local part (already lower-cased) name an alias ("name+ext", then
// "name") or a user, as local's expansion would find it? Error: a table or
// the user lookup failed (answer with a temporary error).
Result<bool> local_name_exists(const UserDirectory& users, const AliasMaps& aliases, const std::string& lower_local);

}  // namespace postern::resolve
