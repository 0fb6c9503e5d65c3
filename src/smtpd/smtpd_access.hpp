// smtpd's lookup tables: the access(5) checks and the recipient tables.
//
// Access checks, one table list per check point (main.conf):
//   smtpd_client_access     client name and parent domains, then its
//                           address and networks (1.2.3.4, 1.2.3, 1.2, 1)
//   smtpd_helo_access       the HELO/EHLO name and parent domains
//   smtpd_sender_access     MAIL FROM address, domain, user@ (null sender: "<>")
//   smtpd_recipient_access  RCPT TO address, domain, user@
// answering as Postfix's access(5) does (maps/access_table.hpp):
//   OK, RELAY  accept this recipient, relay included
//   REJECT [text], "4NN/5NN text", DEFER [text]   the reply, with Postfix's
//              "<what>: Client host rejected: text" shape
//   DUNNO      no opinion (also "not found")
// A table that cannot be consulted is TempFail (451 4.3.0); a value that
// is no action smtpd knows (a typo, HOLD, DISCARD) is TempFail too (451
// 4.3.5): neither ever lets mail through or bounces it.
// Checks run at RCPT time (as Postfix's smtpd_delay_reject = yes) in the
// order client, helo, sender, recipient; the first answer other than DUNNO
// decides.
//
// Recipient tables: virtual_alias_maps (is the address a virtual alias?)
// and the opener for $alias_maps of any type (hash:, ldap: ...), both
// opened by open_access_table() before smtpd chroots or drops privileges.
// The base class finds nothing, for tests.
// Lookups keep connections and caches, so the tables are `mutable` behind
// const methods: one smtpd process asks them from one thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "lib/resolve/resolve_aliases.hpp"
#include "maps/map.hpp"

namespace postern::config {
class Config;
}

namespace postern::smtpd {

enum class AccessAction { Dunno, Ok, Relay, Reject, TempFail };

struct AccessVerdict {
    AccessAction action = AccessAction::Dunno;
    std::string reply;  // Reject / TempFail: the complete reply line
};

class AccessTable {
public:
    virtual ~AccessTable() = default;
    virtual AccessVerdict client(std::string_view addr, std::string_view name) const;
    virtual AccessVerdict helo(std::string_view helo) const;
    virtual AccessVerdict sender(std::string_view address) const;
    virtual AccessVerdict recipient(std::string_view address) const;

    // virtual_alias_maps for address (Postfix key order); not found by default.
    virtual maps::Lookup virtual_alias(std::string_view address) const;
    // Opener for $alias_maps types other than texthash:; empty by default.
    virtual resolve::AliasOpener alias_opener() const;
};

// The tables named in main.conf, opened now (call before drop_privileges).
// A table that cannot be opened is logged and answers TempFail later.
std::unique_ptr<AccessTable> open_access_table(const config::Config& cfg);

}  // namespace postern::smtpd
