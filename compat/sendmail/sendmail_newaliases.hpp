// sendmail -bi / newaliases: rebuild the alias databases of $alias_maps.
//
// For each hash:PATH, btree:PATH or dbm:PATH entry, PATH is the aliases(5)
// text (parsed by src/lib/resolve, the same grammar local uses) and
// PATH.db (PATH.dir/.pag) the database, built the way sendmail's own
// newaliases builds it so that sendmail's praliases reads it and
// postern's maps/ read it back: lower-case keys, keys and values with a
// trailing NUL, targets joined with ", " (quoted where they hold commas or
// white space), and the sentinel entry "@" -> "@" (praliases prints "@:@")
// that marks a complete database. The build is atomic (maps::build_map: a
// new file beside the old, fsync, rename): readers see the old or the new
// database, never a half-built one. A new database is mode 0640; a rebuilt
// one keeps its mode.
//
// texthash: tables are read as text at each delivery: nothing to build.
// Other types (ldap:, nis:) are maintained elsewhere and are skipped.
// Diagnostics on err: "PATH:LINE: ..." for each bad line and duplicate name
// (the last definition wins, as in sendmail), a warning when an alias file
// has no postmaster or MAILER-DAEMON. On out, one line per database:
// "PATH: N aliases, longest L bytes, T bytes total" (sendmail's summary).
// Exit: 0; EX_NOINPUT when a source is missing; EX_CANTCREAT when a build
// fails. Every table is attempted; the first failure sets the exit code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "lib/config/config.hpp"

namespace postern::sendmail {

int rebuild_aliases(const std::vector<std::string>& alias_maps, const std::string& program, std::FILE* out,
                    std::FILE* err, std::size_t max_entry = 65536, std::uint64_t max_file = 64u << 20);
int rebuild_aliases(const config::Config& cfg, const std::string& program);

// One alias's stored value: targets joined with ", ", quoted where needed.
std::string alias_value(const std::vector<std::string>& targets);

}  // namespace postern::sendmail
