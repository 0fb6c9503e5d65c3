// Delivery of one recipient: the Delivered-To loop check, expansion into
// final destinations (src/lib/resolve/resolve_expand.hpp), one delivery per
// destination as its run_as identity through the table of delivery kinds,
// and one combined Outcome (see local_status.hpp). Logs one line per
// destination reached through an alias, .forward or :include:.
//
// A destination already delivered for an earlier recipient of the same
// request (same kind, value and identity) is not delivered again: one
// message, one copy per mailbox, file or command.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "lib/ipc/messages.hpp"
#include "local_alias.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

// Keys of the destinations delivered so far for one message.
using DeliveredSet = std::set<std::string>;

// header_block: the message's headers (read_header_block), for the loop check.
Outcome deliver_recipient(const Settings& settings, const AliasMaps& aliases, const Message& msg,
                          std::string_view header_block, const ipc::DeliverRecipient& rcpt, DeliveredSet& done);

}  // namespace postern::local
