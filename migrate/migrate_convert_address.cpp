// virtusertable, genericstable, domaintable and aliases.
#include <algorithm>

#include "lib/base/strings.hpp"
#include "lib/resolve/resolve_aliases.hpp"
#include "migrate_convert.hpp"

namespace postern::migrate {
namespace {

constexpr std::size_t kMaxAlias = 1u << 20;

bool has_key(const OutTables& out, const std::string& table, std::string_view key) {
    auto it = out.find(table);
    if (it == out.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](const OutEntry& e) { return e.key == key; });
}

bool in_source(const SourceTable& in, std::string_view key) {
    return std::any_of(in.entries.begin(), in.entries.end(), [&](const TableEntry& e) { return e.key == key; });
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
    return s;
}

// sendmail's %1 (user) in a catch-all's value; "" when it cannot be said in
// postern. "%1@dom" and "%1%3@dom" (user, +detail) become "@dom", which
// postern resolves to user+detail@dom.
std::string catch_all_value(const std::string& value, std::string& note) {
    for (std::string_view prefix : {"%1%3@", "%1@"}) {
        if (value.rfind(prefix, 0) == 0 && value.find('%', prefix.size()) == std::string::npos) {
            if (prefix == "%1@")
                note = "postern keeps a +detail (user+detail@ becomes user+detail@" + value.substr(prefix.size()) +
                       "; sendmail drops it)";
            return value.substr(prefix.size() - 1);
        }
    }
    return value.find('%') == std::string::npos ? value : std::string{};
}

// user+*@d / user++@d: postern has no such key; user@d means the same for
// every address with a +detail, and also catches user@d itself.
bool detail_key(const std::string& user) { return user.ends_with("+*") || user.ends_with("++"); }

void virtuser_entry(const SourceTable& in, const TableEntry& e, const Domains& d, OutTables& out, Plan& plan) {
    auto at = e.key.rfind('@');
    if (at == std::string::npos)
        return entry_item(plan, "virtusertable", e, Outcome::NotConverted, "no @domain: sendmail never looks this key up");
    std::string user = e.key.substr(0, at), domain = e.key.substr(at + 1), note;
    if (!d.local.count(domain) && !d.virt.count(domain))
        return entry_item(plan, "virtusertable", e, Outcome::NotConverted,
                    domain + " is neither a local host name (class w) nor a VIRTUSER_DOMAIN: sendmail never looks "
                             "this key up");
    std::string key = e.key;
    if (user == "+*" || user == "++")
        return entry_item(plan, "virtusertable", e, Outcome::NotConverted, "any user with a +detail: postern has no such key");
    if (detail_key(user)) {
        std::string plain = user.substr(0, user.size() - 2) + "@" + domain;
        if (in_source(in, plain))
            return entry_item(plan, "virtusertable", e, Outcome::NotConverted,
                        "postern cannot tell " + user + "@" + domain + " from " + plain + " (both are in the table)");
        key = plain;
        note = "postern also sends " + plain + " itself (without a +detail) here";
    }
    std::string value = e.value;
    if (starts_with_icase(value, "error:")) {
        std::string tkey = user.empty() ? domain : key;
        out["transport"].push_back({tkey, "error:" + error_text(value.substr(6)), e.source});
        return entry_item(plan, "virtusertable", e, Outcome::ConvertedWithNote,
                    "transport_maps " + tkey + " error: postern accepts the mail and bounces it (sendmail refused "
                    "it at RCPT)");
    }
    if (user.empty()) {
        value = catch_all_value(value, note);
    } else if (value.find('%') != std::string::npos) {
        bool plain_user = !detail_key(user);
        value = plain_user && value.find("%2") == std::string::npos
                    ? replace_all(replace_all(value, "%1", user), "%3", "")
                    : std::string{};
    }
    if (value.empty() || value.find('%') != std::string::npos)
        return entry_item(plan, "virtusertable", e, Outcome::NotConverted, "uses %n in a way postern cannot express");
    out["virtual"].push_back({key, value, e.source});
    entry_item(plan, "virtusertable", e, note.empty() ? Outcome::Converted : Outcome::ConvertedWithNote,
         "virtual " + key + " " + value + (note.empty() ? "" : ": " + note));
}

std::string generics_value(const std::string& value, bool catch_all, std::string& note) {
    if (catch_all) return catch_all_value(value, note);
    return value.find('%') == std::string::npos ? value : std::string{};
}

}  // namespace

void convert_virtuser(const SourceTable& in, const Domains& d, OutTables& out, Plan& plan) {
    for (const auto& e : in.entries) virtuser_entry(in, e, d, out, plan);
}

// sendmail tries user@d, @d, then the bare user for senders in class G;
// postern's canonical search tries the bare user only for local domains and
// before @d. So a bare key is written as user@g for every G domain that has
// neither user@g nor @g of its own: the same answers, in either order.
void convert_generics(const SourceTable& in, const Domains& d, OutTables& out, Plan& plan) {
    for (const auto& e : in.entries) {
        auto at = e.key.rfind('@');
        std::string note, user = e.key.substr(0, at);
        std::string value = generics_value(e.value, at == 0, note);
        if (value.empty() || user.find('+') != std::string::npos) {
            entry_item(plan, "genericstable", e, Outcome::NotConverted, "uses %n or +detail keys postern cannot express");
            continue;
        }
        std::vector<std::string> keys;
        if (at != std::string::npos) {
            if (d.generics.count(e.key.substr(at + 1))) keys.push_back(e.key);
        } else {
            for (const auto& g : d.generics)
                if (!in_source(in, user + "@" + g) && !in_source(in, "@" + g)) keys.push_back(user + "@" + g);
        }
        if (keys.empty()) {
            entry_item(plan, "genericstable", e, Outcome::NotConverted,
                 "no GENERICS_DOMAIN (class G) uses this key: sendmail never looks it up");
            continue;
        }
        for (const auto& k : keys) out["sender_canonical"].push_back({k, value, e.source});
        entry_item(plan, "genericstable", e, note.empty() && at != std::string::npos ? Outcome::Converted : Outcome::ConvertedWithNote,
             "sender_canonical " + join(keys, ", ") + " " + value + (note.empty() ? "" : ": " + note));
    }
}

// domaintable rewrites whole domains in every address: canonical @old @new.
void convert_domaintable(const SourceTable& in, OutTables& out, Plan& plan) {
    for (const auto& e : in.entries) {
        if (e.key.find_first_of("@%") != std::string::npos || e.value.find_first_of("@% \t") != std::string::npos) {
            entry_item(plan, "domaintable", e, Outcome::NotConverted, "not a plain domain -> domain entry");
            continue;
        }
        out["canonical"].push_back({"@" + e.key, "@" + e.value, e.source});
        entry_item(plan, "domaintable", e, Outcome::Converted, "canonical @" + e.key + " @" + e.value);
    }
}

void entry_item(Plan& plan, const std::string& table, const TableEntry& e, Outcome o, std::string note) {
    plan.add(e.source, table + " " + e.key + " " + e.value, o, std::move(note));
}

std::string alias_value(const std::vector<std::string>& targets) {
    std::vector<std::string> rendered;
    for (const auto& t : targets)
        rendered.push_back(t.find('"') == std::string::npos && t.find_first_of(", \t") != std::string::npos
                               ? "\"" + t + "\"" : t);
    return join(rendered, ", ");
}

// A target is quoted again when postern's grammar would otherwise split it.
void convert_aliases(const SourceTable& in, const std::string& table, OutTables& out, Plan& plan) {
    for (const auto& e : in.entries) {
        auto targets = resolve::parse_alias_value(e.value, kMaxAlias);
        if (!targets) {
            entry_item(plan, "aliases", e, Outcome::NotConverted, targets.error().message);
            continue;
        }
        std::string value = alias_value(targets->targets);
        auto back = resolve::parse_alias_value(value, kMaxAlias);
        if (!back || back->targets != targets->targets) {
            entry_item(plan, "aliases", e, Outcome::NotConverted, "its targets cannot be written back unchanged");
            continue;
        }
        if (has_key(out, table, e.key)) continue;
        out[table].push_back({e.key, value, e.source});
        plan.add(e.source, "alias " + e.key, Outcome::Converted, table);
    }
}

}  // namespace postern::migrate
