// aliases(5) text tables.
#include "lib/resolve/resolve_aliases.hpp"

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"

namespace postern::resolve {
namespace {

struct Logical {
    int line = 0;
    std::string text;
    bool too_long = false;
};

// Split on sep outside double quotes; false on an unterminated quote.
bool split_quoted(std::string_view s, char sep, std::vector<std::string>& out, std::size_t max_parts) {
    std::string cur;
    bool quoted = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\\' && quoted && i + 1 < s.size()) {
            cur += c;
            cur += s[++i];
            continue;
        }
        if (c == '"') quoted = !quoted;
        if (c == sep && !quoted && out.size() + 1 < max_parts) {
            out.push_back(std::move(cur));
            cur.clear();
            continue;
        }
        cur += c;
    }
    out.push_back(std::move(cur));
    return !quoted;
}

std::string unquote(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

// Group physical lines into entries (continuations joined, comments dropped).
std::vector<Logical> logical_lines(std::string_view text, const std::string& path, std::size_t max_entry,
                                   std::vector<std::string>& warnings) {
    std::vector<Logical> out;
    int number = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::string_view body = trim(line);
        if (body.empty() || body.front() == '#') continue;
        bool continuation = line.front() == ' ' || line.front() == '\t';
        if (continuation && out.empty()) {
            warnings.push_back(where(path, number) + "continuation line without an alias entry");
            continue;
        }
        if (!continuation) out.push_back(Logical{number, {}, false});
        Logical& cur = out.back();
        if (cur.text.size() + body.size() + (continuation ? 1 : 0) > max_entry) cur.too_long = true;
        if (cur.too_long) continue;
        if (continuation) cur.text += ' ';
        cur.text.append(body);
    }
    return out;
}

// One entry "name: t1, t2" into the table, or a warning when malformed.
void parse_entry(const Logical& entry, AliasParse& result, std::size_t max_entry) {
    const std::string& path = result.table.path;
    if (entry.too_long) {
        result.warnings.push_back(where(path, entry.line) + "alias entry longer than " + std::to_string(max_entry) +
                                  " bytes, skipped");
        return;
    }
    std::vector<std::string> halves;
    (void)split_quoted(entry.text, ':', halves, 2);  // a bad quote is reported with the targets
    if (halves.size() != 2) {
        result.warnings.push_back(where(path, entry.line) + "missing ':' in alias entry");
        return;
    }
    std::string name = lowercase(unquote(halves[0]));
    if (name.empty()) {
        result.warnings.push_back(where(path, entry.line) + "empty alias name");
        return;
    }
    std::vector<std::string> parts;
    if (!split_quoted(halves[1], ',', parts, max_entry)) {
        result.warnings.push_back(where(path, entry.line) + "unterminated quote in alias " + name);
        return;
    }
    AliasEntry value{{}, entry.line};
    for (const auto& p : parts)
        if (std::string t = unquote(p); !t.empty()) value.targets.push_back(std::move(t));
    if (value.targets.empty()) {
        result.warnings.push_back(where(path, entry.line) + "alias " + name + " has no targets");
        return;
    }
    if (result.table.entries.count(name))
        result.warnings.push_back(where(path, entry.line) + "duplicate alias " + name + ", the last one wins");
    result.table.entries[name] = std::move(value);
}

}  // namespace

const AliasEntry* AliasTable::find(std::string_view lower_name) const {
    auto it = entries.find(std::string(lower_name));
    return it == entries.end() ? nullptr : &it->second;
}

AliasParse parse_aliases(std::string_view text, const std::string& path, std::size_t max_entry) {
    AliasParse result;
    result.table.path = path;
    for (const auto& entry : logical_lines(text, path, max_entry, result.warnings))
        parse_entry(entry, result, max_entry);
    return result;
}

const AliasEntry* AliasMaps::find(std::string_view lower_name, const AliasTable** table) const {
    for (const auto& t : tables) {
        if (t.external) continue;  // only lookup() asks those
        if (const AliasEntry* e = t.find(lower_name)) {
            if (table) *table = &t;
            return e;
        }
    }
    return nullptr;
}

Result<std::optional<AliasEntry>> AliasMaps::lookup(std::string_view lower_name, const AliasTable** table) const {
    for (const auto& t : tables) {
        if (!t.external) {
            if (const AliasEntry* e = t.find(lower_name)) {
                if (table) *table = &t;
                return std::optional<AliasEntry>(*e);
            }
            continue;
        }
        auto value = t.external(lower_name);
        if (!value) return value.error();
        if (!*value) continue;
        auto entry = parse_alias_value(**value, max_entry);
        if (!entry) return make_error(t.path + ": alias " + log::printable(lower_name) + ": " + entry.error().message);
        if (table) *table = &t;
        return std::optional<AliasEntry>(std::move(*entry));
    }
    return std::optional<AliasEntry>{};
}

Result<AliasEntry> parse_alias_value(std::string_view value, std::size_t max_entry) {
    if (value.size() > max_entry) return make_error("alias entry longer than " + std::to_string(max_entry) + " bytes");
    std::vector<std::string> parts;
    if (!split_quoted(value, ',', parts, max_entry)) return make_error("unterminated quote in alias value");
    AliasEntry entry;
    for (const auto& p : parts)
        if (std::string t = unquote(p); !t.empty()) entry.targets.push_back(std::move(t));
    if (entry.targets.empty()) return make_error("alias has no targets");
    return entry;
}

AliasMaps load_alias_maps(const std::vector<std::string>& maps, std::uint64_t max_file, std::size_t max_entry) {
    return load_alias_maps(maps, max_file, max_entry, AliasOpener{});
}

AliasMaps load_alias_maps(const std::vector<std::string>& maps, std::uint64_t max_file, std::size_t max_entry,
                          const AliasOpener& opener) {
    constexpr std::string_view kTextHash = "texthash:";
    AliasMaps result;
    result.max_entry = max_entry;
    for (const auto& map : maps) {
        if (!starts_with_icase(map, kTextHash)) {
            auto lookup = opener ? opener(map) : Result<AliasLookup>(make_error("unsupported alias map type: " + map));
            if (!lookup) {
                log::warn("alias_maps: %s", log::printable(lookup.error().message, 1024).c_str());
                if (!result.error) result.error = lookup.error();
                continue;
            }
            AliasTable table;
            table.path = map;
            table.external = std::move(*lookup);
            result.tables.push_back(std::move(table));
            continue;
        }
        std::string path = map.substr(kTextHash.size());
        auto text = read_file(path, static_cast<std::size_t>(max_file));
        if (!text) {
            log::warn("alias_maps: %s", text.error().message.c_str());
            if (!result.error) result.error = text.error();
            continue;
        }
        auto parsed = parse_aliases(*text, path, max_entry);
        for (const auto& w : parsed.warnings) log::warn("%s", log::printable(w, 1024).c_str());
        result.tables.push_back(std::move(parsed.table));
    }
    return result;
}

}  // namespace postern::resolve
