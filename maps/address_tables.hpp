// The address tables cleanup and qmgr consult (the wiring is one call each):
//   canonical   - rewrite one address (sender_/recipient_/canonical_maps)
//   virtual     - expand a recipient into a list, recursively, bounded
//   relocated   - "550 5.1.6 User has moved to NEW" for users who moved
// Keys are searched as address_keys.hpp says. Every result is one of
// Found / NotFound / TempFail; TempFail means defer the message (4.3.0).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "maps/address_keys.hpp"
#include "maps/map_list.hpp"

namespace postern::maps {

struct Rewrite {
    LookupStatus status = LookupStatus::NotFound;
    std::string address;  // Found: the new address; NotFound: the input unchanged
    std::string error;    // TempFail
};

// One pass through the table, as Postfix's canonical rewriting does.
Rewrite canonical_rewrite(MapList& maps, std::string_view address, const SearchOptions& opts);

struct VirtualLimits {
    int recursion = 1000;  // $virtual_alias_recursion_limit
    int expansion = 1000;  // $virtual_alias_expansion_limit
};

struct Expansion {
    enum class Status { Unchanged, Expanded, TempFail, LimitExceeded };
    Status status = Status::Unchanged;
    std::vector<std::string> addresses;  // Unchanged: the input; Expanded: the final list, no duplicates
    std::string error;                   // TempFail / LimitExceeded: one line for the log and the DSN
};

// Expand address through virtual_alias_maps. A result that names the
// address itself ends the recursion there (user@d -> user@d, other@d keeps
// user@d). A loop or a list over the limits is LimitExceeded: the caller
// defers, as Postfix does, so an admin can fix the table without lost mail.
Expansion virtual_expand(MapList& maps, std::string_view address, const SearchOptions& opts,
                         const VirtualLimits& limits);

struct Relocation {
    LookupStatus status = LookupStatus::NotFound;
    std::string reply;  // Found: "550 5.1.6 User has moved to NEW"
    std::string error;  // TempFail
};

Relocation relocated_lookup(MapList& maps, std::string_view address, const SearchOptions& opts);

}  // namespace postern::maps
