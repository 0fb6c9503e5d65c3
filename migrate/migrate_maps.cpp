// Reading, converting, writing and checking the tables.
#include "migrate_maps.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <functional>
#include <map>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"
#include "maps/registry.hpp"
#include "migrate_config_detail.hpp"
#include "migrate_convert.hpp"

namespace postern::migrate {
namespace {

// Beside main.conf, apart from the instance's own tables.
constexpr std::string_view kTablesDir = "sendmail";

using Converter = std::function<void(const SourceTable&, const Domains&, OutTables&, Plan&)>;

struct TableKind {
    std::string label;  // the sendmail table's usual name, for plan lines
    Converter convert;
};

const std::map<std::string, TableKind, std::less<>>& kinds() {
    static const std::map<std::string, TableKind, std::less<>> table = {
        {"virtuser", {"virtusertable", convert_virtuser}},
        {"mailertable", {"mailertable", convert_mailertable}},
        {"generics", {"genericstable", convert_generics}},
        {"domaintable", {"domaintable", [](const SourceTable& s, const Domains&, OutTables& o, Plan& p) {
                             convert_domaintable(s, o, p); }}},
        {"access", {"access", [](const SourceTable& s, const Domains&, OutTables& o, Plan& p) {
                        convert_access(s, o, p); }}},
    };
    return table;
}

// Output table -> the main.conf parameters that may name it, first that
// this postern knows wins (the access ones arrive with smtpd's tables).
const std::map<std::string, std::vector<std::string>, std::less<>> kParams = {
    {"virtual", {"virtual_alias_maps"}},
    {"transport", {"transport_maps"}},
    {"sender_canonical", {"sender_canonical_maps"}},
    {"canonical", {"canonical_maps"}},
    {"client_access", {"smtpd_client_access"}},
    {"sender_access", {"smtpd_sender_access"}},
    {"recipient_access", {"smtpd_recipient_access"}},
};

std::set<std::string> class_set(const CfFile& cf, const CfContext& ctx, std::string_view name) {
    Plan quiet;  // the class items are the cf conversion's
    std::set<std::string> out;
    for (auto& m : class_members(cf, ctx, name, quiet)) {
        while (!m.name.empty() && m.name.back() == '.') m.name.pop_back();
        out.insert(m.name);
    }
    return out;
}

std::string quoted_alias_name(const std::string& key) {
    return key.find_first_of(" \t:#\"") == std::string::npos ? key : "\"" + key + "\"";
}

std::string table_text(const std::string& name, const std::vector<OutEntry>& entries, bool aliases) {
    std::string text = "# " + name + ": converted from sendmail by postern-migrate.\n"
                       "# Edit it, then rebuild " + name + ".db with: postern-map hash:" + name + "\n";
    if (aliases) text = "# aliases: converted from sendmail by postern-migrate (aliases(5) syntax).\n";
    for (const auto& e : entries) {
        text += "# from " + visible(e.from) + "\n";
        text += aliases ? quoted_alias_name(e.key) + ": " + e.value + "\n" : e.key + "\t" + e.value + "\n";
    }
    return text;
}

// Write DIR/name and DIR/name.db, then look every key up through maps/.
Status write_table(const std::string& path, const std::vector<OutEntry>& entries, bool aliases) {
    POSTERN_TRY(write_file_atomic(path, table_text(basename_of(path), entries, aliases), 0644));
    std::vector<maps::Entry> db;
    for (const auto& e : entries) db.push_back({e.key, e.value});
    maps::BuildOptions bo;
    bo.append_nul = true;
    POSTERN_TRY(maps::build_map("hash:" + path, db, bo));
    auto map = maps::open_map("hash:" + path);
    if (!map) return map.error();
    for (const auto& e : entries) {
        auto r = (*map)->lookup(e.key);
        if (!r.is_found() || r.value() != e.value)
            return make_error(path + ".db: key " + visible(e.key, 80) + " does not answer what was written");
    }
    return {};
}

// Reads one table and converts it; false when it could not be read.
bool read_and_convert(const MapDecl& decl, const std::string& label, const CfContext& ctx,
                      const std::function<void(const SourceTable&)>& convert, Plan& plan) {
    auto table = read_table(decl, ctx.root, ctx.max_file_size, label == "aliases");
    if (!table) {
        plan.add(decl.source, decl.spec, decl.optional ? Outcome::ConvertedWithNote : Outcome::NotConverted,
                 decl.optional ? "optional table absent: " + table.error().message : table.error().message);
        return false;
    }
    for (const auto& n : table->notes) plan.add(decl.source, decl.spec, Outcome::ConvertedWithNote, n);
    plan.add(decl.source, decl.spec, Outcome::Converted,
             std::to_string(table->entries.size()) + " entries read from " + table->read_from);
    convert(*table);
    return true;
}

void convert_aliases_files(const CfFile& cf, const CfContext& ctx, OutTables& out,
                           std::vector<std::string>& alias_tables, Plan& plan) {
    for (const auto& decl : alias_decls(cf)) {
        if (decl.type == "nis") {
            alias_tables.push_back("nis:" + decl.path);
            plan.add(decl.source, decl.spec, Outcome::Converted, "alias_maps nis:" + decl.path);
            continue;
        }
        if (decl.type != "hash" && decl.type != "btree" && decl.type != "dbm") {
            plan.add(decl.source, decl.spec, Outcome::NotConverted, decl.type + " alias files are not converted");
            continue;
        }
        std::string name = alias_tables.empty() ? "aliases" : "aliases-" + std::to_string(alias_tables.size() + 1);
        if (read_and_convert(decl, "aliases", ctx,
                             [&](const SourceTable& t) { convert_aliases(t, name, out, plan); }, plan))
            alias_tables.push_back(name);
    }
}

bool parameter_known(const std::string& param) {
    return config::Config::defaults("/").value(param).has_value();
}

void add_table_setting(const std::string& table, const std::string& spec, const std::string& source,
                       std::vector<Setting>& settings, Plan& plan) {
    auto params = kParams.find(table);
    for (const auto& p : params->second) {
        if (!parameter_known(p)) continue;
        settings.push_back({p, spec, source});
        return plan.add(source, "table " + table, Outcome::Converted, p + " = " + spec);
    }
    plan.add(source, "table " + table, Outcome::ConvertedWithNote,
             spec + " written, but this postern has no parameter that uses it yet (" + params->second.front() + ")");
}

}  // namespace

bool table_map_name(std::string_view name) { return kinds().count(name) != 0; }

Result<std::vector<Setting>> convert_tables(const CfFile& cf, const CfContext& ctx, const TablesTarget& target,
                                            Plan& plan) {
    Domains domains{class_set(cf, ctx, "w"), class_set(cf, ctx, "VirtHost"), class_set(cf, ctx, "G")};
    OutTables out;
    std::vector<std::string> alias_tables;
    convert_aliases_files(cf, ctx, out, alias_tables, plan);
    std::map<std::string, std::string> sources;  // output table -> the K lines that fed it
    for (const auto& k : cf.maps) {
        auto kind = kinds().find(k.name);
        if (kind == kinds().end()) continue;
        auto decl = map_decl(cf, k);
        if (!decl) {
            plan.add(where(cf.path, k.line), "K" + k.name + " " + k.value, Outcome::NotConverted,
                     "not a hash, btree or dbm file: convert this table by hand");
            continue;
        }
        OutTables before = out;
        read_and_convert(*decl, kind->second.label, ctx,
                         [&](const SourceTable& t) { kind->second.convert(t, domains, out, plan); }, plan);
        for (const auto& [name, entries] : out)
            if (before[name].size() != entries.size())
                sources[name] += (sources[name].empty() ? "" : ", ") + decl->source + ": " + decl->spec;
    }
    std::vector<Setting> settings;
    std::string dir = target.config_dir + "/" + std::string(kTablesDir);
    if (target.apply && !out.empty() && ::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return errno_error(dir);
    for (const auto& [name, entries] : out) {
        std::string path = dir + "/" + name, spec = "hash:" + path;
        bool aliases = name.rfind("aliases", 0) == 0;
        if (target.apply) POSTERN_TRY(write_table(path, entries, aliases));
        plan.add(path, "table " + name, Outcome::Converted,
                 std::to_string(entries.size()) + " entries " + (target.apply ? "written to " : "to be written to ") +
                     spec + (target.apply ? " and checked" : ""));
        if (!aliases) add_table_setting(name, spec, sources[name], settings, plan);
    }
    // sendmail hands a +detail on only through %2/%3, never implicitly.
    if (out.count("virtual") || out.count("canonical") || out.count("sender_canonical")) {
        std::string why = "sendmail's virtusertable and genericstable never append an unmatched +detail";
        settings.push_back({"propagate_unmatched_extensions", "", why});
        plan.add("sendmail tables", "+detail handling", Outcome::Converted, "propagate_unmatched_extensions = : " + why);
    }
    // Without FEATURE(masquerade_envelope) sendmail rewrites header senders only.
    if (out.count("sender_canonical") && !cf.has_piece("masquerade_envelope"))
        plan.add(sources["sender_canonical"], "genericstable", Outcome::ConvertedWithNote,
                 "sendmail applied it to header senders only (no FEATURE(masquerade_envelope)); "
                 "postern's sender_canonical_maps also rewrites the envelope sender");
    std::vector<std::string> alias_specs;
    for (const auto& a : alias_tables) {
        if (a.rfind("nis:", 0) == 0) alias_specs.push_back(a);
        else if (out.count(a)) alias_specs.push_back("hash:" + dir + "/" + a);
    }
    if (!alias_specs.empty()) {
        auto decls = alias_decls(cf);
        settings.push_back({"alias_maps", join(alias_specs, ", "), decls.front().source + ": " + decls.front().spec});
    }
    return settings;
}

}  // namespace postern::migrate
