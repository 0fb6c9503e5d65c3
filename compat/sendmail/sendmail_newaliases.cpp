#include "sendmail_newaliases.hpp"

#include <string_view>

#include "lib/base/sysexits.hpp"

namespace postern::sendmail {
namespace {

constexpr std::string_view kTextHash = "texthash:";

}  // namespace

int rebuild_aliases(const std::vector<std::string>& alias_maps, const std::string& program, std::FILE* out,
                    std::FILE* err) {
    for (const auto& map : alias_maps) {
        if (map.rfind(kTextHash, 0) == 0) continue;
        std::fprintf(err, "%s: fatal: alias_maps entry %s: building this table type is not supported yet\n",
                     program.c_str(), map.c_str());
        return ex::kUnavailable;
    }
    std::fprintf(out, "%s: alias_maps uses only texthash: tables, which are read as text; nothing to rebuild\n",
                 program.c_str());
    return ex::kOk;
}

int rebuild_aliases(const config::Config& cfg, const std::string& program) {
    return rebuild_aliases(cfg.get(config::params::alias_maps), program, stdout, stderr);
}

}  // namespace postern::sendmail
