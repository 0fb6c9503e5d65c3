// Reading sendmail's map declarations and table contents.
#include "migrate_tables.hpp"

#include <sys/stat.h>

#include <map>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/resolve/resolve_aliases.hpp"
#include "maps/registry.hpp"
#include "maps/source.hpp"
#include "migrate_convert.hpp"
#include "migrate_plan.hpp"

namespace postern::migrate {
namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

bool file_type(std::string_view t) { return t == "hash" || t == "btree" || t == "dbm"; }

// "/etc/mail/x.db" -> "/etc/mail/x" for the Berkeley DB types (sendmail
// adds .db itself when the name lacks it).
std::string base_name(const MapDecl& d) {
    if (d.type != "dbm" && d.path.size() > 3 && d.path.ends_with(".db")) return d.path.substr(0, d.path.size() - 3);
    return d.path;
}

std::string db_file(const MapDecl& d, const std::string& root) {
    return root + base_name(d) + (d.type == "dbm" ? ".pag" : ".db");
}

// Key -> line of the text source, for the plan.
std::map<std::string, TableEntry> text_entries(const std::string& text, const std::string& path, bool aliases,
                                               std::uint64_t max_file) {
    std::map<std::string, TableEntry> out;
    if (aliases) {
        auto parsed = resolve::parse_aliases(text, path, static_cast<std::size_t>(max_file));
        for (const auto& [name, e] : parsed.table.entries)
            out[name] = TableEntry{name, alias_value(e.targets), where(path, static_cast<std::size_t>(e.line))};
        return out;
    }
    maps::SourceOptions so;
    so.continuation = false;  // makemap's text has no continuation lines
    so.line_limit = static_cast<std::size_t>(max_file);
    for (auto& e : maps::parse_source(text, path, so).entries)
        out.try_emplace(e.key, TableEntry{e.key, e.value, where(path, static_cast<std::size_t>(e.line))});
    return out;
}

}  // namespace

std::optional<MapDecl> map_decl(const CfFile& cf, const CfEntry& k) {
    auto words = split_list(k.value, " \t\n");
    if (words.empty()) return std::nullopt;
    MapDecl d{k.name, words.front(), {}, false, where(cf.path, k.line), "K" + k.name + " " + k.value};
    if (!file_type(d.type) && d.type != "nis") return std::nullopt;
    for (std::size_t i = 1; i < words.size(); ++i) {
        if (words[i] == "-o") d.optional = true;
        else if (words[i][0] != '-') d.path = words[i];
    }
    if (d.path.empty()) return std::nullopt;
    return d;
}

std::vector<MapDecl> alias_decls(const CfFile& cf) {
    std::vector<MapDecl> out;
    const CfEntry* o = cf.option("AliasFile");
    if (o == nullptr) o = cf.option("A");
    if (o == nullptr) return out;  // sendmail has no alias file then
    std::string source = where(cf.path, o->line);
    for (const auto& item : split_list(o->value, ",")) {
        std::string spec(trim(item));
        MapDecl d{"aliases", "hash", spec, false, source, "O AliasFile=" + spec};
        auto colon = spec.find(':');
        if (colon != std::string::npos && spec.find('/') > colon) {
            d.type = spec.substr(0, colon);
            d.path = std::string(trim(spec.substr(colon + 1)));
        }
        for (const auto& w : split_list(d.path, " \t"))
            if (w == "-o") d.optional = true;
            else if (w[0] != '-') d.path = w;
        out.push_back(std::move(d));
    }
    return out;
}

Result<SourceTable> read_table(const MapDecl& d, const std::string& root, std::uint64_t max_file, bool aliases) {
    SourceTable out;
    std::string text_path = root + base_name(d);
    auto text = read_file(text_path, static_cast<std::size_t>(max_file));
    std::map<std::string, TableEntry> lines;
    if (text) lines = text_entries(*text, text_path, aliases, max_file);
    std::string db = db_file(d, root);
    if (!exists(db)) {
        if (!text) return make_error(text_path + ": neither the database nor its text source can be read");
        out.read_from = text_path;
        out.notes.push_back("no database " + db + ": converted the text source (sendmail is not using it)");
        for (auto& [k, e] : lines) out.entries.push_back(std::move(e));
        return out;
    }
    maps::MapOptions mo;
    mo.value_limit = static_cast<std::size_t>(max_file);
    auto dumped = maps::dump_map(d.type + ":" + root + base_name(d), mo);
    if (!dumped) return make_error(dumped.error().message);
    out.read_from = db;
    std::size_t differ = 0;
    for (auto& e : *dumped) {
        if (aliases && e.key == "@") continue;  // newaliases' "database complete" sentinel
        auto it = lines.find(e.key);
        if (it == lines.end() && aliases && e.key.size() > 2 && e.key.front() == '"' && e.key.back() == '"')
            it = lines.find(e.key.substr(1, e.key.size() - 2));  // newaliases keeps needed quotes
        std::string source = it != lines.end() ? it->second.source : db + " key " + visible(e.key, 80);
        if (text && (it == lines.end() || (!aliases && it->second.value != e.value))) ++differ;
        if (it != lines.end()) lines.erase(it);
        out.entries.push_back(TableEntry{std::move(e.key), std::move(e.value), std::move(source)});
    }
    differ += lines.size();
    if (differ > 0)
        out.notes.push_back(std::to_string(differ) + " entr" + (differ == 1 ? "y differs" : "ies differ") +
                            " between " + text_path + " and " + db + ": converted the database sendmail uses");
    return out;
}

}  // namespace postern::migrate
