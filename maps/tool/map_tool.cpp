// postern-map build, query, list and delete.
#include "map_tool.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

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

// One answer line per key found. Output is flushed only when every key
// read so far is answered, before waiting for more input: a caller that
// sends one key and waits gets its answer, a pipe full of keys costs one
// write per buffer (a write per key was a third of the lookup cost).
int query_stdin(Map& map, std::FILE* in, std::FILE* out, std::FILE* err) {
    constexpr std::size_t kMaxKey = 65536;
    std::string buf;
    char chunk[65536];
    int status = 1;
    bool eof = false;
    while (!eof) {
        ssize_t n = ::read(::fileno(in), chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        eof = n <= 0;
        if (n > 0) buf.append(chunk, static_cast<std::size_t>(n));
        std::size_t start = 0;
        for (std::size_t nl; (nl = buf.find('\n', start)) != std::string::npos || (eof && start < buf.size());
             start = nl + 1) {
            if (nl == std::string::npos) nl = buf.size();
            std::string key = buf.substr(start, nl - start);
            if (!key.empty() && key.back() == '\r') key.pop_back();
            Lookup r = map.lookup(key);
            if (r.is_temp_fail()) {
                std::fflush(out);
                return report(err, r.error(), ex::kTempFail);
            }
            if (r.is_found()) {
                std::fprintf(out, "%s\t%s\n", key.c_str(), r.value().c_str());
                status = 0;
            }
        }
        buf.erase(0, std::min(start, buf.size()));
        if (buf.size() > kMaxKey) return report(err, "key longer than 65536 bytes on standard input", ex::kDataErr);
        std::fflush(out);
    }
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
