// local's view of recipient expansion: the engine lives in src/lib/resolve
// (resolve_expand.hpp, shared with `sendmail -bv`); this builds its context
// from local's Settings: the alias tables, $forward_path, $default_privs,
// the bounds, and a FileReader that reads .forward and :include: files as
// their controlling user (local_read_as.hpp) in a system instance.
#pragma once

#include "lib/resolve/resolve_expand.hpp"
#include "local_alias.hpp"
#include "local_settings.hpp"

namespace postern::local {

using resolve::DestinationKind;
using resolve::FinalDestination;

// Error: $default_privs is unknown or root (deliveries defer, 4.3.5).
Result<resolve::ExpandContext> expand_context(const Settings& settings, const AliasMaps& aliases);

}  // namespace postern::local
