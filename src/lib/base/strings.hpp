// Small string helpers with no mail knowledge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace postern {

std::string_view trim(std::string_view s);                 // ASCII white space
std::string lowercase(std::string_view s);                 // ASCII only
bool iequals(std::string_view a, std::string_view b);      // ASCII case-insensitive
bool starts_with_icase(std::string_view s, std::string_view prefix);
// Split on any of seps (default: comma and white space, as Postfix lists), dropping empties.
std::vector<std::string> split_list(std::string_view s, std::string_view seps = ", \t\r\n");
std::optional<std::int64_t> parse_int(std::string_view s);  // whole string, decimal, no overflow
std::string join(const std::vector<std::string>& parts, std::string_view sep);

}  // namespace postern
