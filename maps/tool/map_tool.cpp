// postern-map build, query, list and delete.
#include "map_tool.hpp"

#include <sys/stat.h>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "maps/registry.hpp"
#include "maps/source.hpp"

namespace postern::maps::tool {
namespace {

int report(std::FILE* err, const std::string& message, int code) {
    std::fprintf(err, "postern-map: %s\n", message.c_str());
    return code;
}

int query_stdin(Map& map, std::FILE* in, std::FILE* out, std::FILE* err) {
    char* line = nullptr;
    std::size_t cap = 0;
    ssize_t n;
    int status = 1;
    while ((n = getline(&line, &cap, in)) > 0) {
        std::string key(line, static_cast<std::size_t>(n));
        while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
        Lookup r = map.lookup(key);
        if (r.is_temp_fail()) {
            status = report(err, r.error(), ex::kTempFail);
            break;
        }
        if (r.is_found()) {
            std::fprintf(out, "%s\t%s\n", key.c_str(), r.value().c_str());
            std::fflush(out);  // a caller may wait for each answer (a pipe is block-buffered)
            status = 0;
        }
    }
    std::free(line);
    return status;
}

}  // namespace

int run_build(const Command& cmd, const MapOptions& opts, std::FILE* err) {
    int status = 0;
    for (const std::string& spec : cmd.specs) {
        auto parsed = parse_spec(spec);
        if (!parsed) return report(err, parsed.error().message, ex::kUsage);
        if (!is_writable(parsed->type)) return report(err, spec + ": map type is not writable", ex::kUsage);
        auto text = read_file(parsed->name, opts.file_limit);
        if (!text) return report(err, text.error().message, ex::kNoInput);
        SourceOptions so;
        so.line_limit = opts.line_limit;
        so.fold_keys = cmd.fold;
        SourceParse src = parse_source(*text, parsed->name, so);
        for (const std::string& e : src.errors) std::fprintf(err, "postern-map: warning: %s\n", e.c_str());
        std::vector<Entry> entries;
        for (SourceEntry& e : src.entries) entries.push_back(Entry{std::move(e.key), std::move(e.value)});
        BuildOptions bo;
        bo.append_nul = cmd.append_nul;
        struct stat st {};
        if (::stat(parsed->name.c_str(), &st) == 0) bo.mode = st.st_mode & 0666;
        if (Status s = build_map(spec, entries, bo); !s) return report(err, s.error().message, ex::kCantCreat);
        if (!src.errors.empty()) status = ex::kDataErr;
    }
    return status;
}

int run_query(const Command& cmd, const MapOptions& opts, std::FILE* in, std::FILE* out, std::FILE* err) {
    std::vector<std::unique_ptr<Map>> maps;
    for (const std::string& spec : cmd.specs) {
        auto map = open_map(spec, opts);
        if (!map) return report(err, map.error().message, ex::kTempFail);
        maps.push_back(std::move(*map));
    }
    if (cmd.key == "-") return maps.size() == 1 ? query_stdin(*maps.front(), in, out, err) : ex::kUsage;
    for (auto& map : maps) {
        Lookup r = map->lookup(cmd.key);
        if (r.is_temp_fail()) return report(err, r.error(), ex::kTempFail);
        if (r.is_found()) {
            std::fprintf(out, "%s\n", r.value().c_str());
            return 0;
        }
    }
    return 1;
}

int run_dump(const Command& cmd, const MapOptions& opts, std::FILE* out, std::FILE* err) {
    for (const std::string& spec : cmd.specs) {
        auto entries = dump_map(spec, opts);
        if (!entries) return report(err, entries.error().message, ex::kTempFail);
        for (const Entry& e : *entries) std::fprintf(out, "%s\t%s\n", e.key.c_str(), e.value.c_str());
    }
    return 0;
}

int run_delete(const Command& cmd, const MapOptions& opts, std::FILE* err) {
    int status = 1;
    for (const std::string& spec : cmd.specs) {
        auto removed = delete_key(spec, cmd.fold ? postern::lowercase(cmd.key) : cmd.key, opts);
        if (!removed) return report(err, removed.error().message, ex::kCantCreat);
        if (*removed) status = 0;
    }
    return status;
}

}  // namespace postern::maps::tool
