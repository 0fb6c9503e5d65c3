// sendmail -t: which addresses of a message header are its recipients.
// With any Resent-* header present only Resent-To/-Cc/-Bcc count (the
// message is being re-sent; its original To: was delivered already), else
// To/Cc/Bcc - as sendmail 8.17 and Postfix do. Addresses come back in
// header order, unqualified ones as they are. Used by sendmail (to refuse
// "No recipient addresses found in header" before queueing) and cleanup.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lib/address/address.hpp"

namespace postern::address {

// (name, value) in header order; value is the text after the colon.
using HeaderFields = std::vector<std::pair<std::string, std::string>>;

bool is_resent_header_name(std::string_view name);
// The recipients of fields; truncated like parse_address_list.
AddressList header_recipients(const HeaderFields& fields, const ListLimits& limits = {});

}  // namespace postern::address
