// Address resolution shared by qmgr (routing) and smtpd (RCPT checks):
// which transport (delivery service) and next hop a recipient goes to.
// Pure functions, no I/O.
//
// Rules (Postfix's trivial-rewrite, reduced to what postern has today):
//   domain = the part after the LAST '@', lower-cased, one trailing dot
//   removed; no '@' (or nothing after it) means no domain.
//   no domain, or domain in $mydestination -> $local_transport, nexthop = domain
//   anything else -> $default_transport, nexthop = $relayhost if set, else domain
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace postern::config {
class Config;
}

namespace postern::resolve {

struct Route {
    std::string transport;
    std::string nexthop;
    bool operator==(const Route&) const = default;
};

struct RoutingTable {
    std::vector<std::string> mydestination;  // normalized by normalize_domain
    std::string local_transport = "local";
    std::string default_transport = "smtp";
    std::string relayhost;

    static RoutingTable from_config(const config::Config& cfg);
};

// Lower-case and drop one trailing dot ("Example.ORG." -> "example.org").
std::string normalize_domain(std::string_view domain);
// The normalized domain of an address, "" when it has none.
std::string recipient_domain(std::string_view address);
// domain must already be normalized.
bool is_local_domain(std::string_view domain, const std::vector<std::string>& mydestination);
Route resolve_recipient(std::string_view address, const RoutingTable& table);

}  // namespace postern::resolve
