// sendmail -bi / newaliases. Alias tables of type texthash: are read as
// text at each delivery, so there is nothing to build; the database types
// (hash:, btree:, dbm:) arrive with the lookup-table work and are refused
// until then with EX_UNAVAILABLE rather than silently doing nothing.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "lib/config/config.hpp"

namespace postern::sendmail {

int rebuild_aliases(const std::vector<std::string>& alias_maps, const std::string& program, std::FILE* out,
                    std::FILE* err);
int rebuild_aliases(const config::Config& cfg, const std::string& program);

}  // namespace postern::sendmail
