// Logical lines: the one reader of line-oriented configuration text
// (aliases(5) files, .forward and :include: files, makemap/postmap sources,
// ldap: table configurations). Physical lines are grouped into entries:
//
//   # comment                   (first non-blank character is the comment char)
//   first line of an entry
//       continued               (leading white space, when continuation is on)
//   continued too \             (trailing backslash, when backslash is on)
//   and this line
//
// Each entry keeps the number of its first physical line (for "PATH:LINE:"
// messages). Pieces are trimmed and joined with one space; CR before LF is
// dropped. Bound: an entry longer than max_entry bytes is returned with
// too_long set and its text cut (the caller skips it and says so), so no
// input makes the reader hold more than max_entry bytes per entry.
// Pure: no I/O, no mail knowledge.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postern {

struct LogicalLineOptions {
    bool continuation = true;  // a line starting with white space continues the entry
    bool backslash = false;    // a line ending in '\' is continued by the next line
    char comment = '#';        // '\0': no comments
    std::size_t max_entry = 65536;
};

struct LogicalLine {
    int line = 0;  // first physical line, 1-based
    std::string text;
    bool too_long = false;
};

struct LogicalLines {
    std::vector<LogicalLine> entries;
    std::vector<std::string> warnings;  // "PATH:LINE: continuation line without an entry"
};

LogicalLines read_logical_lines(std::string_view text, const std::string& path, const LogicalLineOptions& opts);

}  // namespace postern
