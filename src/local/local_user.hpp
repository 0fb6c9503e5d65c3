// local's user lookup is the shared one in src/lib/resolve (smtpd checks
// RCPT TO against the same users): this header brings its names into
// postern::local and adapts local's Settings.
#pragma once

#include <optional>
#include <string>

#include "lib/resolve/resolve_users.hpp"
#include "local_settings.hpp"

namespace postern::local {

using resolve::local_part;
using resolve::strip_extension;
using resolve::valid_user_name;

inline resolve::UserDirectory user_directory(const Settings& s) {
    return resolve::UserDirectory{s.mail_spool_directory, s.mailbox_format == MailboxFormat::Mbox, s.user_instance,
                                  s.recipient_delimiter};
}

// nullopt: no such user (bounce); Error: the lookup failed (defer).
inline Result<std::optional<Identity>> find_user(const Settings& settings, const std::string& name) {
    return resolve::find_user(user_directory(settings), name);
}

}  // namespace postern::local
