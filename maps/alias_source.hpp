// Alias tables of any map type for src/lib/resolve, which reads texthash:
// itself and cannot include maps/ (layering): local and smtpd pass this
// opener to resolve::load_alias_maps so that hash:, btree:, dbm:, ldap: and
// nis: alias_maps entries work. A table that cannot be opened or consulted
// is an Error, which callers turn into a deferral (4.3.0), never a bounce.
#pragma once

#include "lib/resolve/resolve_aliases.hpp"
#include "maps/map.hpp"

namespace postern::maps {

resolve::AliasOpener alias_opener(const MapOptions& opts);

}  // namespace postern::maps
