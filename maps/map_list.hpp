// MapList: a parameter's list of tables ($virtual_alias_maps = hash:/a,
// regexp:/b) searched in order; the first table that has the key wins.
// A table that failed to open, or answers TempFail, stops the search with
// TempFail (Postfix's maps_find): a later table must not answer for a key
// the broken one might have. open() never fails, so a daemon keeps serving
// mail that does not touch the broken table; lookups through it defer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "maps/map.hpp"

namespace postern::maps {

class MapList {
public:
    MapList() = default;
    // title names the list in errors ("virtual_alias_maps").
    static MapList open(std::string title, const std::vector<std::string>& specs, const MapOptions& opts);
    // For tests: a list of maps already open.
    static MapList of(std::string title, std::vector<std::unique_ptr<Map>> maps);

    Lookup lookup(std::string_view key);
    bool empty() const { return slots_.empty(); }
    const std::string& title() const { return title_; }

private:
    struct Slot {
        std::unique_ptr<Map> map;  // null when the open failed
        std::string error;
    };
    std::string title_;
    std::vector<Slot> slots_;
};

// $map_value_size_limit, $nis_domain_name and friends from main.conf.
MapOptions options_from(const config::Config& cfg);

}  // namespace postern::maps
