// local's alias tables are the shared reader in src/lib/resolve (smtpd asks
// the same tables whether a local name exists): this header brings its
// names into postern::local.
#pragma once

#include "lib/resolve/resolve_aliases.hpp"

namespace postern::local {

using resolve::AliasEntry;
using resolve::AliasMaps;
using resolve::AliasParse;
using resolve::AliasTable;
using resolve::load_alias_maps;
using resolve::parse_aliases;
using resolve::parse_alias_value;

}  // namespace postern::local
