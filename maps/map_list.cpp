// Ordered table lists.
#include "maps/map_list.hpp"

#include "lib/base/log.hpp"
#include "maps/registry.hpp"

namespace postern::maps {

MapList MapList::open(std::string title, const std::vector<std::string>& specs, const MapOptions& opts) {
    MapList list;
    list.title_ = std::move(title);
    for (const std::string& spec : specs) {
        auto map = open_map(spec, opts);
        if (map) {
            list.slots_.push_back(Slot{std::move(*map), {}});
            continue;
        }
        log::warn("%s: %s", list.title_.c_str(), map.error().message.c_str());
        list.slots_.push_back(Slot{nullptr, map.error().message});
    }
    return list;
}

MapList MapList::of(std::string title, std::vector<std::unique_ptr<Map>> maps) {
    MapList list;
    list.title_ = std::move(title);
    for (auto& m : maps) list.slots_.push_back(Slot{std::move(m), {}});
    return list;
}

Lookup MapList::lookup(std::string_view key) {
    for (Slot& slot : slots_) {
        if (!slot.map) return Lookup::temp_fail(title_ + ": " + slot.error);
        Lookup r = slot.map->lookup(key);
        if (r.is_temp_fail()) return Lookup::temp_fail(title_ + ": " + r.error());
        if (r.is_found()) return r;
    }
    return Lookup::not_found();
}

MapOptions options_from(const config::Config& cfg) {
    MapOptions o;
    o.value_limit = static_cast<std::size_t>(cfg.get(config::params::map_value_size_limit));
    o.line_limit = static_cast<std::size_t>(cfg.get(config::params::map_source_line_limit));
    o.nis_domain = cfg.get(config::params::nis_domain_name);
    return o;
}

}  // namespace postern::maps
