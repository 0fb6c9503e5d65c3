// Delivery outcomes. Every step of local (expansion, one delivery kind, the
// privileged child) yields an ipc::RecipientResult; these build them and
// combine the results of one recipient's targets into the one answer qmgr
// gets. Filesystem errors always defer: mail stays queued, never lost.
#pragma once

#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::local {

using Outcome = ipc::RecipientResult;

Outcome delivered(std::string_view reason);                       // 2.0.0
Outcome deferred(std::string_view dsn, std::string_view reason);  // 4.x.x
Outcome bounced(std::string_view dsn, std::string_view reason);   // 5.x.x
// A filesystem failure: 4.2.2 "mailbox full" for ENOSPC/EDQUOT, else 4.2.0 with the message.
Outcome fs_failure(const Error& error);

// One answer for a recipient from the results of all its targets: any
// deferral wins (the whole recipient is retried: at-least-once), then any
// bounce, else delivered. An empty list is a deferral (nothing was done).
Outcome combine(const std::vector<Outcome>& outcomes);

// "deferred"/"bounced"/"sent" for log lines.
std::string_view status_word(const Outcome& o);

}  // namespace postern::local
