// Adapts a Map to resolve's AliasLookup.
#include "maps/alias_source.hpp"

#include <memory>

#include "maps/registry.hpp"

namespace postern::maps {

resolve::AliasOpener alias_opener(const MapOptions& opts) {
    return [opts](const std::string& spec) -> Result<resolve::AliasLookup> {
        auto opened = open_map(spec, opts);
        if (!opened) return opened.error();
        std::shared_ptr<Map> map = std::move(*opened);
        return resolve::AliasLookup([map](std::string_view name) -> Result<std::optional<std::string>> {
            Lookup r = map->lookup(name);
            if (r.is_temp_fail()) return make_error(r.error());
            if (r.is_not_found()) return std::optional<std::string>{};
            return std::optional<std::string>(r.value());
        });
    };
}

}  // namespace postern::maps
