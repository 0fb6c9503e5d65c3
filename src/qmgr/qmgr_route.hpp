// transport_maps and relocated_maps in front of the built-in routing
// (resolve_recipient): a relocated recipient bounces 5.1.6 "User has moved
// to NEW"; a transport_maps entry overrides the transport and/or nexthop
// (an empty part keeps the default). "error:[D.S.N ]text" bounces, or
// defers when the code is 4.x.x; "retry:text" defers. A table that cannot
// be consulted defers the recipient (4.3.0), never bounces it.
#pragma once

#include <optional>
#include <string_view>

#include "lib/ipc/messages.hpp"
#include "maps/address_keys.hpp"
#include "maps/map_list.hpp"
#include "qmgr_resolve.hpp"

namespace postern::config {
class Config;
}

namespace postern::qmgr {

struct RouteTables {
    maps::MapList transport;
    maps::MapList relocated;
    maps::SearchOptions search;

    static RouteTables open(const config::Config& cfg, const RoutingTable& routing);
};

struct RouteDecision {
    Route route;
    std::optional<ipc::RecipientResult> verdict;  // set: finish the recipient now, no delivery
};

RouteDecision decide_route(RouteTables& tables, std::string_view address, const RoutingTable& routing);

}  // namespace postern::qmgr
