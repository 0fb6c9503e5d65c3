// transport_maps: where a recipient goes. Keys, first hit wins:
//     user+ext@domain, user@domain, domain, .parent.domain ..., .tld, *
// A result is "transport:nexthop" (local:, smtp:[host]:port, error:text,
// relay:host); an empty transport or nexthop means "the default" and is
// filled by the caller (qmgr) from local_transport/default_transport and
// the recipient domain or $relayhost.
#pragma once

#include <string>
#include <string_view>

#include "maps/map_list.hpp"

namespace postern::maps {

struct Route {
    LookupStatus status = LookupStatus::NotFound;
    std::string transport;  // "" = default transport
    std::string nexthop;    // "" = default nexthop; for error: the text
    std::string error;      // TempFail
    std::string key;        // the key that matched
};

// "smtp:[mx.example.com]:2525" -> {smtp, [mx.example.com]:2525}; "local" -> {local, ""}.
Route parse_route(std::string_view value);

Route transport_lookup(MapList& maps, std::string_view address, std::string_view delimiters = "+");

}  // namespace postern::maps
