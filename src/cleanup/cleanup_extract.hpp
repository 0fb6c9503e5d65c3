// sendmail -t: recipients from the message header. With any Resent-*
// header present only Resent-To/-Cc/-Bcc count (the message is being
// re-sent; its original To: was delivered already), else To/Cc/Bcc. This
// is what sendmail 8.17 and Postfix do. Addresses are returned in header
// order, unqualified ones as they are (the envelope step qualifies them).
#pragma once

#include <string>
#include <vector>

#include "cleanup_headers.hpp"
#include "lib/address/address.hpp"

namespace postern::cleanup {

struct Extracted {
    std::vector<std::string> recipients;
    std::vector<std::string> rejected;  // list elements that were no address (for the log)
    bool truncated = false;             // more than limits.max_addresses in all
};

Extracted extract_recipients(const Headers& headers, const address::ListLimits& limits);

}  // namespace postern::cleanup
