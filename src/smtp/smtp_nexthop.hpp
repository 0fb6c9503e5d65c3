// The next hop qmgr gives the smtp transport: a domain (MX lookup), or
// $relayhost in Postfix's forms:
//   example.com         MX lookup for example.com, port $smtp_tcp_port
//   example.com:2525    MX lookup, then port 2525
//   [mail.example.com]  no MX lookup: the host's A/AAAA records
//   [192.0.2.1]:2525    an address literal (also [IPv6:2001:db8::1])
// Anything else (empty, unbalanced brackets, a bad port) is an error and
// defers the mail: it is a configuration mistake, not the recipient's.
#pragma once

#include <string>
#include <string_view>

#include "lib/base/result.hpp"

namespace postern::smtp {

struct NextHop {
    std::string host;   // domain, host name, or address (brackets and IPv6: removed)
    int port = 25;
    bool mx_lookup = true;
    bool literal = false;  // host is an IP address
    bool operator==(const NextHop&) const = default;
};

Result<NextHop> parse_nexthop(std::string_view text, int default_port);

}  // namespace postern::smtp
