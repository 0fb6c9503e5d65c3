// Acceptance policy for RCPT TO (and VRFY): the access tables, the address
// forms that have opened relays before, the relay decision (Postfix's
// permit_mynetworks, reject_unauth_destination) and whether the recipient
// exists (Postfix's reject_unlisted_recipient):
//   access tables (smtpd_access.hpp): REJECT/4xx/5xx decide; OK and RELAY
//       permit relaying; a table failure is 451 4.3.0
//   local domain ($mydestination, or no domain: <postmaster>) -> a virtual
//       alias, or an alias or user (550 5.1.1 otherwise)
//   $virtual_alias_domains -> accepted from anyone; the address must be in
//       virtual_alias_maps (550 5.1.1 otherwise)
//   $relay_domains -> accepted from anyone
//   other domains  -> only from clients in $mynetworks or permitted by an
//       access table (554 5.7.1)
// virtual_alias_maps is asked for every recipient that passed the relay
// decision, and alias_maps for local ones: when a table cannot be read the
// answer is 451 4.3.0, never 550 (a directory that is down defers mail).
// From clients outside $mynetworks, a local part holding "%", "!" or "@"
// (user%host@ours, host!user@ours, "a@b"@ours) is refused as a relay
// attempt whatever the domain: such forms route onwards on some systems.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "lib/resolve/resolve_aliases.hpp"
#include "smtpd_access.hpp"
#include "smtpd_settings.hpp"

namespace postern::smtpd {

struct ClientInfo {
    std::string addr;            // "127.0.0.1"
    std::string name = "unknown";
    std::string helo;
    bool trusted = false;        // in $mynetworks
};

class Policy {
public:
    // settings and access must outlive the policy.
    Policy(const Settings& settings, const AccessTable& access) : settings_(settings), access_(access) {}

    // "" to accept, else the complete reply line.
    std::string check_recipient(const ClientInfo& client, std::string_view sender, std::string_view rcpt);
    // The reply to VRFY for an address already checked for syntax.
    std::string verify(std::string_view address);

    bool is_local_domain(std::string_view normalized_domain) const;

private:
    std::string check_local(std::string_view rcpt);
    // "" when the recipient exists or its domain is not ours to judge.
    std::string check_known(std::string_view rcpt, std::string_view domain);
    const resolve::AliasMaps& aliases();

    const Settings& settings_;
    const AccessTable& access_;
    resolve::AliasMaps aliases_;
    std::vector<std::pair<long long, long long>> alias_stamps_;  // (mtime ns, size) per table; -1: none
    bool aliases_loaded_ = false;
};

}  // namespace postern::smtpd
