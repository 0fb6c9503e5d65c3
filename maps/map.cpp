// Helpers every backend shares.
#include "maps/map.hpp"

#include "lib/base/log.hpp"

namespace postern::maps {

std::string_view strip_nul(std::string_view s) {
    if (!s.empty() && s.back() == '\0') s.remove_suffix(1);
    return s;
}

Lookup bounded_found(const Map& map, std::string_view value, const MapOptions& opts) {
    if (value.size() > opts.value_limit) {
        return Lookup::temp_fail(map.spec() + ": value of " + std::to_string(value.size()) +
                                 " bytes is longer than map_value_size_limit (" +
                                 std::to_string(opts.value_limit) + ")");
    }
    return Lookup::found(std::string(value));
}

}  // namespace postern::maps
