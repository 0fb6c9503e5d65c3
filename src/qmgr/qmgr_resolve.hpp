// qmgr's routing is the shared resolver in src/lib/resolve (smtpd checks
// RCPT TO with the same rules): this header only brings its names into
// postern::qmgr.
#pragma once

#include "lib/resolve/resolve_route.hpp"

namespace postern::qmgr {

using resolve::is_local_domain;
using resolve::normalize_domain;
using resolve::recipient_domain;
using resolve::resolve_recipient;
using resolve::Route;
using resolve::RoutingTable;

}  // namespace postern::qmgr
