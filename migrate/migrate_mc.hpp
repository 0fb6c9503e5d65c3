// sendmail.mc reader: the m4 source read as a list of macro calls, without
// running m4. A call is NAME(`arg', `arg', ...) with m4 quotes (` ') that may
// nest and span lines; "dnl" ends a line's meaning; "#" lines are comments.
// The free-text sections LOCAL_RULE_n, LOCAL_RULESETS, LOCAL_CONFIG,
// LOCAL_NET_CONFIG and MAILER_DEFINITIONS run until the next line that starts
// with a macro call or another section; their lines are hand-written cf.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postern::migrate {

struct McCall {
    std::size_t line = 0;
    std::string name;               // "define", "FEATURE", "MAILER" ...
    std::vector<std::string> args;  // quotes removed, outer white space trimmed
};

struct McSection {
    std::size_t line = 0;
    std::string name;  // "LOCAL_RULE_0"
    std::vector<std::pair<std::size_t, std::string>> lines;  // non-empty cf lines with their numbers
};

struct McFile {
    std::string path;
    std::vector<McCall> calls;
    std::vector<McSection> sections;
    std::vector<std::pair<std::size_t, std::string>> errors;  // line, what
};

McFile parse_mc(std::string_view text, std::string path);

}  // namespace postern::migrate
