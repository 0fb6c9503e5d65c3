// Tables held in memory: texthash:PATH (a postmap source read whole at
// open), inline:{key=value, ...} and static:VALUE.
// texthash: is strict where postmap only warns: a malformed line makes the
// open fail with "PATH:LINE: reason", so mail using the table defers instead
// of being routed by half a table.
#include <unordered_map>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "maps/backends.hpp"
#include "maps/source.hpp"

namespace postern::maps {
namespace {

class HashTableMap final : public Map {
public:
    HashTableMap(std::string spec, std::unordered_map<std::string, std::string> table, const MapOptions& opts)
        : Map(std::move(spec)), table_(std::move(table)), opts_(opts) {}

    Lookup lookup(std::string_view key) override {
        auto it = table_.find(lowercase(key));
        if (it == table_.end()) return Lookup::not_found();
        return bounded_found(*this, it->second, opts_);
    }

private:
    std::unordered_map<std::string, std::string> table_;
    MapOptions opts_;
};

class StaticMap final : public Map {
public:
    StaticMap(std::string spec, std::string value) : Map(std::move(spec)), value_(std::move(value)) {}
    Lookup lookup(std::string_view) override { return Lookup::found(value_); }

private:
    std::string value_;
};

std::string label(const MapSpec& s) { return s.type + ":" + s.name; }

Result<std::unique_ptr<Map>> open_texthash(const MapSpec& spec, const MapOptions& opts) {
    auto text = read_file(spec.name, opts.file_limit);
    if (!text) return make_error(label(spec) + ": " + text.error().message, text.error().sys_errno);
    SourceOptions so;
    so.line_limit = opts.line_limit;
    SourceParse parsed = parse_source(*text, spec.name, so);
    if (!parsed.errors.empty()) return make_error(label(spec) + ": " + parsed.errors.front());
    std::unordered_map<std::string, std::string> table;
    for (SourceEntry& e : parsed.entries) table[e.key] = std::move(e.value);
    return std::unique_ptr<Map>(new HashTableMap(label(spec), std::move(table), opts));
}

// "{ a }" -> "a"; anything else unchanged.
std::string_view strip_braces(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = trim(s.substr(1, s.size() - 2));
    return s;
}

// Split on commas outside braces; false on unbalanced braces.
bool split_top_level(std::string_view s, std::vector<std::string_view>& out) {
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '{') ++depth;
        if (s[i] == '}' && --depth < 0) return false;
        if (s[i] == ',' && depth == 0) {
            out.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(s.substr(start));
    return depth == 0;
}

Result<std::unique_ptr<Map>> open_inline(const MapSpec& spec, const MapOptions& opts) {
    std::string_view body = trim(spec.name);
    if (body.size() < 2 || body.front() != '{' || body.back() != '}') {
        return make_error(label(spec) + ": expected inline:{key=value, ...}");
    }
    std::vector<std::string_view> items;
    if (!split_top_level(body.substr(1, body.size() - 2), items)) {
        return make_error(label(spec) + ": unbalanced braces");
    }
    std::unordered_map<std::string, std::string> table;
    for (std::string_view item : items) {
        item = strip_braces(item);
        if (item.empty()) continue;
        auto eq = item.find('=');
        if (eq == std::string_view::npos || trim(item.substr(0, eq)).empty()) {
            return make_error(label(spec) + ": expected key=value, got \"" + std::string(item) + "\"");
        }
        table[lowercase(trim(item.substr(0, eq)))] = std::string(strip_braces(item.substr(eq + 1)));
    }
    return std::unique_ptr<Map>(new HashTableMap(label(spec), std::move(table), opts));
}

Result<std::unique_ptr<Map>> open_static(const MapSpec& spec, const MapOptions& opts) {
    std::string value(strip_braces(spec.name));
    if (value.size() > opts.value_limit) return make_error(label(spec) + ": value longer than map_value_size_limit");
    return std::unique_ptr<Map>(new StaticMap(label(spec), std::move(value)));
}

std::vector<std::string> texthash_files(const std::string& name) { return {name}; }

}  // namespace

const MapType kTexthashType{"texthash", open_texthash, nullptr, nullptr, texthash_files};
const MapType kInlineType{"inline", open_inline, nullptr, nullptr, nullptr};
const MapType kStaticType{"static", open_static, nullptr, nullptr, nullptr};

}  // namespace postern::maps
