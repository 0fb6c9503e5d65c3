// praliases behaviour.
#include "praliases_run.hpp"

#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "maps/registry.hpp"

namespace postern::praliases {
namespace {

int print_all(const std::string& table, std::FILE* out, std::FILE* err) {
    auto entries = maps::dump_map(table);
    if (!entries) {
        std::fprintf(err, "praliases: %s\n", entries.error().message.c_str());
        return ex::kNoInput;
    }
    for (const auto& e : *entries) std::fprintf(out, "%s:%s\n", e.key.c_str(), e.value.c_str());
    return ex::kOk;
}

int print_keys(const std::string& table, const std::vector<std::string>& keys, std::FILE* out, std::FILE* err) {
    auto map = maps::open_map(table);
    if (!map) {
        std::fprintf(err, "praliases: %s\n", map.error().message.c_str());
        return ex::kNoInput;
    }
    for (const std::string& key : keys) {
        maps::Lookup r = (*map)->lookup(key);
        if (r.is_temp_fail()) {
            std::fprintf(err, "praliases: %s\n", r.error().c_str());
            return ex::kTempFail;
        }
        if (r.is_found()) std::fprintf(out, "%s:%s\n", lowercase(key).c_str(), r.value().c_str());
        else std::fprintf(out, "%s: No such key\n", key.c_str());
    }
    return ex::kOk;
}

}  // namespace

int run(const Options& opts, std::FILE* out, std::FILE* err) {
    int status = ex::kOk;
    for (const std::string& table : opts.tables) {
        int s = opts.keys.empty() ? print_all(table, out, err) : print_keys(table, opts.keys, out, err);
        if (s != ex::kOk) status = s;
    }
    return status;
}

}  // namespace postern::praliases
