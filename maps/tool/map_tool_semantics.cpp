// postern-map -x KIND -q ADDRESS: the answer a daemon would get from the
// table semantics (canonical, virtual, transport, relocated, access), with
// the tables named on the command line or else from main.conf.
#include <functional>
#include <map>

#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "maps/access_table.hpp"
#include "maps/address_tables.hpp"
#include "maps/transport_table.hpp"
#include "map_tool.hpp"

namespace postern::maps::tool {
namespace {

struct Context {
    MapList maps;
    SearchOptions search;
    VirtualLimits limits;
    std::FILE* out;
    std::FILE* err;
};

int temp_fail(const Context& c, const std::string& why) {
    std::fprintf(c.out, "temporary failure: %s\n", why.c_str());
    return ex::kTempFail;
}

int show_rewrite(Context& c, const std::string& a) {
    Rewrite r = canonical_rewrite(c.maps, a, c.search);
    if (r.status == LookupStatus::TempFail) return temp_fail(c, r.error);
    std::fprintf(c.out, "%s\n", r.address.c_str());
    return r.status == LookupStatus::Found ? 0 : 1;
}

int show_virtual(Context& c, const std::string& a) {
    Expansion e = virtual_expand(c.maps, a, c.search, c.limits);
    if (e.status == Expansion::Status::TempFail || e.status == Expansion::Status::LimitExceeded) {
        return temp_fail(c, e.error);
    }
    for (const std::string& r : e.addresses) std::fprintf(c.out, "%s\n", r.c_str());
    return e.status == Expansion::Status::Expanded ? 0 : 1;
}

int show_transport(Context& c, const std::string& a) {
    Route r = transport_lookup(c.maps, a, c.search.delimiters);
    if (r.status == LookupStatus::TempFail) return temp_fail(c, r.error);
    if (r.status == LookupStatus::NotFound) return 1;
    std::fprintf(c.out, "%s:%s\n", r.transport.c_str(), r.nexthop.c_str());
    return 0;
}

int show_relocated(Context& c, const std::string& a) {
    Relocation r = relocated_lookup(c.maps, a, c.search);
    if (r.status == LookupStatus::TempFail) return temp_fail(c, r.error);
    if (r.status == LookupStatus::NotFound) return 1;
    std::fprintf(c.out, "%s\n", r.reply.c_str());
    return 0;
}

int show_access(Context& c, const AccessResult& r) {
    static const char* kNames[] = {"OK", "REJECT", "DEFER", "DUNNO", "RELAY", "HOLD", "DISCARD", "REPLY"};
    if (r.status == LookupStatus::TempFail) return temp_fail(c, r.error);
    if (r.status == LookupStatus::NotFound) return 1;
    std::fprintf(c.out, "%s %s (key %s)\n", kNames[static_cast<int>(r.action)], r.reply.c_str(), r.key.c_str());
    return 0;
}

struct Kind {
    const char* param;  // main.conf list used when no table is named
    std::function<int(Context&, const std::string&)> show;
};

const std::map<std::string, Kind, std::less<>>& kinds() {
    static const std::map<std::string, Kind, std::less<>> table{
        {"canonical", {"canonical_maps", show_rewrite}},
        {"virtual", {"virtual_alias_maps", show_virtual}},
        {"transport", {"transport_maps", show_transport}},
        {"relocated", {"relocated_maps", show_relocated}},
        {"access-client", {nullptr, [](Context& c, const std::string& a) {
                               return show_access(c, access_client_address(c.maps, a)); }}},
        {"access-helo", {nullptr, [](Context& c, const std::string& a) {
                             return show_access(c, access_host_name(c.maps, a)); }}},
        {"access-address", {nullptr, [](Context& c, const std::string& a) {
                                return show_access(c, access_address(c.maps, a, c.search.delimiters)); }}},
    };
    return table;
}

}  // namespace

int run_semantics(const Command& cmd, std::FILE* out, std::FILE* err) {
    auto kind = kinds().find(cmd.kind);
    if (kind == kinds().end()) {
        std::fprintf(err, "postern-map: unknown kind \"%s\"\n", cmd.kind.c_str());
        return ex::kUsage;
    }
    std::string dir = cmd.config_dir.empty() ? config::resolve_config_dir(std::nullopt) : cmd.config_dir;
    auto loaded = config::Config::load(dir);
    config::Config cfg = loaded ? std::move(*loaded) : config::Config::defaults(dir);
    if (!loaded && !cmd.config_dir.empty()) {
        std::fprintf(err, "postern-map: %s\n", loaded.error().message.c_str());
        return ex::kConfig;
    }
    std::vector<std::string> specs = cmd.specs;
    if (specs.empty() && kind->second.param != nullptr) specs = split_list(cfg.value(kind->second.param).value_or(""));
    Context c{MapList::open(cmd.kind, specs, options_from(cfg)), {}, {}, out, err};
    c.search.delimiters = cfg.get(config::params::recipient_delimiter);
    auto local = cfg.get(config::params::mydestination);
    c.search.is_local = [local](std::string_view d) {
        for (const auto& l : local) {
            if (iequals(l, d)) return true;
        }
        return false;
    };
    auto propagate = cfg.get(config::params::propagate_unmatched_extensions);
    c.search.propagate_extension = false;
    for (const auto& p : propagate) c.search.propagate_extension |= iequals(p, cmd.kind);
    c.limits.recursion = static_cast<int>(cfg.get(config::params::virtual_alias_recursion_limit));
    c.limits.expansion = static_cast<int>(cfg.get(config::params::virtual_alias_expansion_limit));
    return kind->second.show(c, cmd.key);
}

}  // namespace postern::maps::tool
