// access(5) tables for smtpd: what to do with a client, HELO name, sender
// or recipient. Keys, first hit wins:
//   client address  1.2.3.4, 1.2.3, 1.2, 1   (IPv6: drop one :group at a time)
//   host names      host.example.com, example.com, .example.com, com, .com
//   addresses       user+ext@domain, user@domain, then the domain as a host
//                   name, then user+ext@, user@
// Actions: OK (or an all-numeric value), REJECT [text], DEFER [text],
// DUNNO, RELAY, HOLD [text], DISCARD [text], "4NN text" / "5NN text".
// DUNNO ends the search as if nothing matched (no shorter key is tried).
// An unknown action is TempFail (451 4.3.5 server configuration error), as
// is a table that cannot be read: smtpd answers 4xx, never lets mail through.
#pragma once

#include <string>
#include <string_view>

#include "maps/map_list.hpp"

namespace postern::maps {

enum class AccessAction { Ok, Reject, Defer, Dunno, Relay, Hold, Discard, Reply };

struct AccessResult {
    LookupStatus status = LookupStatus::NotFound;  // NotFound also for DUNNO
    AccessAction action = AccessAction::Dunno;
    std::string reply;  // Reject/Defer/Reply: "550 5.7.1 text"; Hold/Discard: the text
    std::string error;  // TempFail
    std::string key;    // the key that matched
};

// Interpret one table value; TempFail for an unknown action.
AccessResult parse_access(std::string_view value);

AccessResult access_client_address(MapList& maps, std::string_view address);
AccessResult access_host_name(MapList& maps, std::string_view name);  // client name or HELO
AccessResult access_address(MapList& maps, std::string_view address, std::string_view delimiters = "+");
// One key as it is (smtpd's null sender, "<>").
AccessResult access_exact(MapList& maps, std::string_view key);

}  // namespace postern::maps
