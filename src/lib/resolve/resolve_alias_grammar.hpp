// The aliases(5) entry grammar (Boost.Spirit X3), for one logical line as
// read_logical_lines joined it:
//
//   entry   = name ':' targets
//   name    = *( quoted | any byte but ':' and '"' )      trimmed, non-empty
//   targets = target *( ',' target )
//   target  = *( quoted | any byte but ',' and '"' )      trimmed; empty ones dropped
//   quoted  = '"' *( '\' byte | any byte but '"' ) '"'
//
// A target that is wholly one quoted string loses its quotes
// ("|/bin/prog a,b" -> |/bin/prog a,b); one with quotes inside keeps them
// ("first last"@example.org). The same target list is the value an alias
// database (hash:, postalias, newaliases) stores. This file is the only one
// in src/lib/resolve that includes Spirit (compile time).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::resolve {

struct AliasLine {
    std::string name;                  // as written, quotes removed, not yet lower-cased
    std::vector<std::string> targets;  // non-empty
};

// Errors: "missing ':' in alias entry", "empty alias name",
// "unterminated quote", "no targets".
Result<AliasLine> parse_alias_line(std::string_view text);
Result<std::vector<std::string>> parse_alias_targets(std::string_view text);

}  // namespace postern::resolve
