// Notices to a list owner. A list member that fails for good, reached
// through an alias NAME for which owner-NAME exists, is reported to
// owner-NAME, not to the message's sender (sendmail's and Postfix's rule:
// the owner can mend the list; the sender cannot). One RFC 3464 report per
// owner, with origin "bounce", submitted through cleanup. Only once it is
// queued do those failures count as handled; otherwise they stay bounces
// to the sender, so nothing goes unreported.
#pragma once

#include <string>
#include <vector>

#include "lib/dsn/dsn_report.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"

namespace postern::local {

// True when the report about failed (each with its status and reason) is
// queued for owner.
bool notify_owner(const Settings& settings, const Message& msg, const std::string& owner,
                  const std::vector<dsn::RecipientStatus>& failed);

}  // namespace postern::local
