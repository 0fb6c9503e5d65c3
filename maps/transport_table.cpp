// transport_maps lookups.
#include "maps/transport_table.hpp"

#include "lib/base/strings.hpp"
#include "maps/address_keys.hpp"

namespace postern::maps {
namespace {

std::vector<std::string> route_keys(std::string_view address, std::string_view delimiters) {
    AddressParts p = split_address(address, delimiters);
    std::vector<std::string> keys;
    if (!p.has_domain) return keys;
    if (p.delimiter) keys.push_back(p.user + p.delimiter + p.extension + "@" + p.domain);
    keys.push_back(p.user + "@" + p.domain);
    keys.push_back(p.domain);
    for (auto dot = p.domain.find('.'); dot != std::string::npos; dot = p.domain.find('.', dot + 1)) {
        keys.push_back(p.domain.substr(dot));
    }
    keys.push_back("*");
    return keys;
}

}  // namespace

Route parse_route(std::string_view value) {
    value = trim(value);
    Route r;
    r.status = LookupStatus::Found;
    auto colon = value.find(':');
    r.transport = std::string(trim(value.substr(0, colon)));
    if (colon != std::string_view::npos) r.nexthop = std::string(trim(value.substr(colon + 1)));
    return r;
}

Route transport_lookup(MapList& maps, std::string_view address, std::string_view delimiters) {
    for (std::string& key : route_keys(address, delimiters)) {
        Lookup l = maps.lookup(key);
        if (l.is_not_found()) continue;
        if (l.is_temp_fail()) {
            Route r;
            r.status = LookupStatus::TempFail;
            r.error = l.error();
            return r;
        }
        Route r = parse_route(l.value());
        r.key = std::move(key);
        return r;
    }
    return Route{};
}

}  // namespace postern::maps
