// Internals of the config module shared by its .cpp files (not for other
// components): the bounded reader for main.conf/services.conf, logical-line
// splitting, value validation and $name expansion.
//
// Bounds: a configuration file is at most kMaxConfigBytes and kMaxConfigLines
// lines (it is read before any parameter exists, so these cannot be
// parameters themselves); expansion nests at most kMaxExpansionDepth levels
// and an expanded value is at most kMaxExpandedBytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/config/params.hpp"

namespace postern::config::detail {

inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
inline constexpr std::size_t kMaxConfigLines = 65536;
inline constexpr int kMaxExpansionDepth = 20;
inline constexpr std::size_t kMaxExpandedBytes = 1024 * 1024;

// Read a whole configuration file, bounded by kMaxConfigBytes. The admin
// owns these files, so a symlinked main.conf (config management) is fine.
// Errors: "PATH: No such file or directory", "PATH: file is larger than ...".
Result<std::string> read_config_file(const std::string& path);

// One logical line: the first physical line plus its continuation lines,
// each trimmed and joined with one space.
struct LogicalLine {
    int line = 0;        // number of the first physical line (1-based)
    int last_line = 0;   // number of the last continuation line
    std::string text;
};

// Split text into logical lines: lines starting with white space continue
// the previous one; blank lines and lines whose first non-blank character is
// '#' are skipped (and do not end a logical line), as in Postfix.
Result<std::vector<LogicalLine>> logical_lines(std::string_view text, const std::string& file_name);

// Check an expanded value against its row: type and bounds. The message is
// "NAME: reason" (the caller prefixes file:line).
Status validate_value(const ParamInfo& p, std::string_view value);

// Where each raw value came from, for "file:line" in messages.
struct Origin {
    std::string file;
    std::vector<int> line;  // by param index; 0 = default value
};

// Expand every raw value ($name, ${name}, $(name), $$) and fill in the
// computed defaults (myhostname, mydomain). raw is indexed by param index.
Result<std::vector<std::string>> expand_all(const std::vector<std::string>& raw, const Origin& origin);

// "file:line: " for a set value, "file: " for a default.
std::string where(const Origin& origin, std::size_t index);

// The system host name (gethostname), or "localhost" if it fails.
std::string system_hostname();

}  // namespace postern::config::detail
