// The keys a table is searched with for an address, in Postfix's order:
//     user+ext@domain, user@domain, user+ext, user, @domain
// The bare user forms are tried only when the domain is local (is_local),
// or the address has no domain. Everything is folded to lower case.
// The extension is split at the first character of $recipient_delimiter
// found in the local part; "" disables extensions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "maps/map.hpp"
#include "maps/map_list.hpp"

namespace postern::maps {

struct AddressParts {
    std::string user;       // local part without extension, lower case
    std::string extension;  // without the delimiter; empty when none
    char delimiter = 0;     // the delimiter found, 0 when none
    std::string domain;     // lower case, no trailing dot; empty when none
    bool has_domain = false;
};

AddressParts split_address(std::string_view address, std::string_view delimiters);

struct SearchOptions {
    std::string delimiters = "+";                          // $recipient_delimiter
    std::function<bool(std::string_view domain)> is_local;  // null: no domain is local
    bool propagate_extension = true;                       // append an unmatched +ext to results
    bool use_user_keys = true;                             // try user+ext / user for local domains
    bool use_domain_key = true;                            // try @domain
};

struct KeyForm {
    std::string key;
    bool extension_matched;  // the key kept the extension
    bool catch_all;          // the @domain form
};

std::vector<KeyForm> address_keys(std::string_view address, const SearchOptions& opts);

struct AddressMatch {
    Lookup result = Lookup::not_found();
    KeyForm form{};          // the key that matched (when found)
    AddressParts parts;
};

// Search maps with each key in turn; TempFail stops the search.
AddressMatch search_address(MapList& maps, std::string_view address, const SearchOptions& opts);

// Apply a table result to the address it came from (canonical/virtual):
// "@domain" keeps the user part; an unmatched extension is appended to the
// local part when opts.propagate_extension.
std::string apply_result(std::string_view result, const AddressMatch& match, const SearchOptions& opts);

}  // namespace postern::maps
