// aliases(5) text tables.
#include "lib/resolve/resolve_aliases.hpp"

#include "lib/base/log.hpp"
#include "lib/base/logical_lines.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/resolve/resolve_alias_grammar.hpp"

namespace postern::resolve {
namespace {

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

// One entry "name: t1, t2" into the table, or a warning when malformed.
void parse_entry(const LogicalLine& entry, AliasParse& result, std::size_t max_entry) {
    const std::string& path = result.table.path;
    if (entry.too_long) {
        result.warnings.push_back(where(path, entry.line) + "alias entry longer than " + std::to_string(max_entry) +
                                  " bytes, skipped");
        return;
    }
    auto parsed = parse_alias_line(entry.text);
    if (!parsed) {
        result.warnings.push_back(where(path, entry.line) + parsed.error().message);
        return;
    }
    std::string name = lowercase(parsed->name);
    if (auto old = result.table.entries.find(name); old != result.table.entries.end())
        result.warnings.push_back(where(path, entry.line) + "duplicate alias " + name + " (first at line " +
                                  std::to_string(old->second.line) + "), the last one wins");
    result.table.entries[name] = AliasEntry{std::move(parsed->targets), entry.line};
}

}  // namespace

const AliasEntry* AliasTable::find(std::string_view lower_name) const {
    auto it = entries.find(std::string(lower_name));
    return it == entries.end() ? nullptr : &it->second;
}

AliasParse parse_aliases(std::string_view text, const std::string& path, std::size_t max_entry) {
    AliasParse result;
    result.table.path = path;
    LogicalLineOptions opts;
    opts.backslash = true;  // sendmail accepts both continuation styles
    opts.max_entry = max_entry;
    LogicalLines lines = read_logical_lines(text, path, opts);
    result.warnings = std::move(lines.warnings);
    for (const auto& entry : lines.entries) parse_entry(entry, result, max_entry);
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
    auto targets = parse_alias_targets(value);
    if (!targets) return make_error("alias value: " + targets.error().message);
    return AliasEntry{std::move(*targets), 0};
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
