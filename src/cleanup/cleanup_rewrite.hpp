// cleanup's address tables, applied to every message it queues (Postfix's
// cleanup_map11/cleanup_map1n):
//   sender_canonical_maps, then canonical_maps   envelope sender and the
//       sender headers From:, Sender:, Reply-To:, Resent-From:, Resent-Sender:
//   recipient_canonical_maps, then canonical_maps   envelope recipients and
//       To:, Cc:, Resent-To:, Resent-Cc:
//   virtual_alias_maps   each envelope recipient (after canonical), expanded
//       recursively: user@domain, user (local domains), @domain catch-all;
//       bounded by virtual_alias_recursion_limit and _expansion_limit, loops
//       end where an address names itself or was seen before
// Keys are searched in Postfix's order (maps/address_keys.hpp); an
// unqualified result gets @$myorigin. Header addresses are rewritten in
// place, keeping display names, comments and folding; one that cannot be
// found again in the header text is left as it is (and logged).
//
// A table that cannot be consulted, or a virtual expansion over its limits,
// is an Error "4.3.0 ...": the session refuses the whole submission with a
// temporary error (smtpd answers 451, pickup keeps the maildrop file), so
// no mail is lost and none is half-rewritten.
//
// Tables are opened once per process, before it drops privileges (maps/
// reopens a file table when the file changes).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cleanup_envelope.hpp"
#include "cleanup_headers.hpp"
#include "lib/base/result.hpp"
#include "maps/address_tables.hpp"
#include "maps/map_list.hpp"

namespace postern::config {
class Config;
}

namespace postern::cleanup {

struct Tables {
    maps::MapList sender_canonical, recipient_canonical, canonical, virtual_alias;
    maps::SearchOptions canonical_search, virtual_search;
    maps::VirtualLimits limits;
    std::string myorigin;

    // Every table named in main.conf; failures are logged and defer later.
    static std::shared_ptr<Tables> open(const config::Config& cfg, const std::string& myorigin);
    bool empty() const;
};

enum class AddressRole { Sender, Recipient };

// The role's own tables, then canonical_maps. "" (null sender) stays "".
Result<std::string> canonicalize(Tables& t, std::string_view address, AddressRole role);
// The final recipients for address (itself when no alias matches).
Result<std::vector<std::string>> expand_virtual(Tables& t, std::string_view address);

// Envelope: canonical sender, canonical + virtual recipients, duplicates
// removed, at most recipient_limit of them (5.5.3 otherwise); DSN
// parameters follow the address they were given for.
Status rewrite_envelope(Tables& t, Prepared& p, std::size_t recipient_limit);
// Header addresses (see above).
Status rewrite_headers(Tables& t, Headers& headers, std::size_t header_size_limit);

// Pure, for tests: replace the first occurrence of old_spec at or after
// *from in raw ("<old>" preferred over a bare old, case-insensitive);
// *from moves past the replacement. false when old_spec is not there.
bool replace_address(std::string& raw, std::size_t* from, std::string_view old_spec, std::string_view new_spec);

}  // namespace postern::cleanup
