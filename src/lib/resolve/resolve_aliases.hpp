// Alias tables in aliases(5) text syntax (texthash:PATH), shared by local
// (expansion at each delivery), smtpd (does a local name exist?) and
// newaliases (which builds hash: databases from the same parse); read when
// a caller asks.
//
//   # comment                  (first non-blank character '#', anywhere)
//   name: target, target       (name is case-insensitive; may be "quoted")
//       target                 (a line starting with white space continues,
//   target, \                  and so does the line after a trailing '\')
//   target
//
// Lines are joined by the shared reader (lib/base/logical_lines.hpp); each
// entry is parsed by the X3 grammar in resolve_alias_grammar.hpp: targets
// are separated by commas outside double quotes, and a target wholly in
// double quotes loses them ("|cmd arg" -> |cmd arg). Bounds: the file size
// ($alias_file_size_limit, else the map is unavailable and delivery defers)
// and the length of one entry ($alias_entry_length_limit, else the entry is
// skipped). Bad lines are skipped with a "PATH:LINE: ..." warning; for a
// duplicate name the last entry wins (as sendmail's newaliases does) and the
// warning names the line of the first.
// texthash: is read here; any other type (hash:, btree:, dbm:, ldap:, nis:)
// is asked through an AliasOpener the program supplies (src/lib does not
// know maps/): its values are the target list "t1, t2" as postalias and
// newaliases store it. Without an opener such a type makes delivery defer,
// and so does a lookup that cannot be answered (4.3.0, never a bounce).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
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

// An external table: the raw value for a lower-case name, nullopt when
// absent, an Error when the table could not be consulted.
using AliasLookup = std::function<Result<std::optional<std::string>>(std::string_view lower_name)>;
// Opens "type:name" for a type src/lib cannot read itself.
using AliasOpener = std::function<Result<AliasLookup>(const std::string& spec)>;

struct AliasTable {
    std::string path;
    std::map<std::string, AliasEntry> entries;  // key: lower-case name
    AliasLookup external;                       // set: entries is unused, ask this
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
    std::size_t max_entry = 4096;    // bound on an external table's value
    const AliasEntry* find(std::string_view lower_name, const AliasTable** table = nullptr) const;
    // Like find(), but also asks external tables; an Error when one of them
    // fails before a table has the name (a later table must not answer).
    Result<std::optional<AliasEntry>> lookup(std::string_view lower_name, const AliasTable** table = nullptr) const;
};

// Read every table of maps (e.g. {"texthash:/etc/aliases"}); warnings are logged.
AliasMaps load_alias_maps(const std::vector<std::string>& maps, std::uint64_t max_file, std::size_t max_entry);
// The same, with other types opened by opener.
AliasMaps load_alias_maps(const std::vector<std::string>& maps, std::uint64_t max_file, std::size_t max_entry,
                          const AliasOpener& opener);
// Pure: an external table's value ("t1, \"|cmd\"") as targets; an Error
// when it is unusable (over max_entry, unterminated quote, no targets).
Result<AliasEntry> parse_alias_value(std::string_view value, std::size_t max_entry);

}  // namespace postern::resolve
