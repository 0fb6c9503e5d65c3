// Alias tables in aliases(5) text syntax (texthash:PATH), shared by local
// (expansion at each delivery) and smtpd (does a local name exist?); read
// when a caller asks.
//
//   # comment                  (first non-blank character '#', anywhere)
//   name: target, target       (name is case-insensitive; may be "quoted")
//       target                 (a line starting with white space continues)
//
// Targets are separated by commas outside double quotes; a target wholly in
// double quotes loses them ("|cmd arg" -> |cmd arg). Bounds: the file size
// ($alias_file_size_limit, else the map is unavailable and delivery defers)
// and the length of one entry ($alias_entry_length_limit, else the entry is
// skipped). Bad lines are skipped with a "PATH:LINE: ..." warning; for a
// duplicate name the last entry wins (as sendmail's newaliases does).
// Only texthash: is supported yet; any other map type makes delivery defer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::resolve {

struct AliasEntry {
    std::vector<std::string> targets;
    int line = 0;
};

struct AliasTable {
    std::string path;
    std::map<std::string, AliasEntry> entries;  // key: lower-case name
    const AliasEntry* find(std::string_view lower_name) const;
};

struct AliasParse {
    AliasTable table;
    std::vector<std::string> warnings;  // "PATH:LINE: ..."
};

// Pure: parse text as if read from path.
AliasParse parse_aliases(std::string_view text, const std::string& path, std::size_t max_entry);

struct AliasMaps {
    std::vector<AliasTable> tables;  // in $alias_maps order; the first that has a name wins
    std::optional<Error> error;      // a table could not be read or its type is unsupported
    const AliasEntry* find(std::string_view lower_name, const AliasTable** table = nullptr) const;
};

// Read every table of maps (e.g. {"texthash:/etc/aliases"}); warnings are logged.
AliasMaps load_alias_maps(const std::vector<std::string>& maps, std::uint64_t max_file, std::size_t max_entry);

}  // namespace postern::resolve
