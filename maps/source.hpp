// The text source of a table, as postmap and makemap read it:
//     # comment
//     key   value            (key ends at the first white space or delimiter)
//         more value          (a line starting with white space continues, postmap only)
// Bounds: each physical line and each logical entry at most line_limit bytes.
// Errors ("PATH:LINE: reason") do not stop the parse; the caller decides.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postern::maps {

struct SourceOptions {
    std::size_t line_limit = 102400;
    char comment = '#';
    char delimiter = '\0';        // '\0': white space separates key and value (makemap -t)
    bool continuation = true;     // postmap: leading white space continues the entry
    bool allow_empty_value = false;  // makemap -e
    bool fold_keys = true;        // lower-case keys (makemap without -f, postmap)
    bool alias_syntax = false;    // "key: value" (postalias, aliases(5))
};

struct SourceEntry {
    int line = 0;
    std::string key;
    std::string value;
};

struct SourceParse {
    std::vector<SourceEntry> entries;  // in file order, duplicates kept
    std::vector<std::string> errors;   // "PATH:LINE: reason"
};

SourceParse parse_source(std::string_view text, const std::string& path, const SourceOptions& opts);

}  // namespace postern::maps
