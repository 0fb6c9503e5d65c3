// Delivery of one recipient: loop check, expansion into targets, one
// delivery per target through the table of delivery kinds, and one combined
// Outcome (see local_status.hpp). Logs one line per target.
#pragma once

#include <string_view>

#include "lib/ipc/messages.hpp"
#include "local_alias.hpp"
#include "local_message.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

// header_block: the message's headers (read_header_block), for the loop check.
Outcome deliver_recipient(const Settings& settings, const AliasMaps& aliases, const Message& msg,
                          std::string_view header_block, const ipc::DeliverRecipient& rcpt);

}  // namespace postern::local
