// mailertable and access.
#include <arpa/inet.h>

#include <algorithm>
#include <map>

#include "lib/base/strings.hpp"
#include "migrate_convert.hpp"

namespace postern::migrate {
namespace {

bool add_once(OutTables& out, const std::string& table, OutEntry entry) {
    auto& v = out[table];
    if (std::any_of(v.begin(), v.end(), [&](const OutEntry& o) { return o.key == entry.key; })) return false;
    v.push_back(std::move(entry));
    return true;
}

bool digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool dsn_code(std::string_view s) {
    auto parts = split_list(s, ".");
    return parts.size() == 3 && digits(parts[0]) && digits(parts[1]) && digits(parts[2]) && (s[0] == '4' || s[0] == '5');
}

// The mailers that speak SMTP to the next hop.
bool smtp_mailer(std::string_view m) {
    return m == "esmtp" || m == "smtp" || m == "smtp8" || m == "dsmtp" || m == "relay";
}

// mailertable value -> transport value, or "" with why.
std::string route_value(const std::string& value, std::string& why) {
    auto colon = value.find(':');
    std::string mailer = lowercase(value.substr(0, colon));
    std::string host = colon == std::string::npos ? std::string{} : value.substr(colon + 1);
    if (host.find('%') != std::string::npos) {
        why = "uses %n substitution";
        return {};
    }
    if (mailer == "error") return "error:" + error_text(host);
    if (smtp_mailer(mailer)) {
        if (host.find('@') == std::string::npos) return "smtp:" + host;
        why = "mailer:user@host form";
        return {};
    }
    if (mailer == "local" && host.empty()) return "local:";
    why = mailer == "local" ? "local:" + host + " delivers the whole domain to one user: write a virtual catch-all"
                            : "no postern transport for mailer " + mailer;
    return {};
}

std::string access_tag(const std::string& key, std::string& rest) {
    auto colon = key.find(':');
    std::string tag = colon == std::string::npos ? std::string{} : key.substr(0, colon);
    if (tag == "ipv6") tag.clear();
    rest = tag.empty() ? key : key.substr(colon + 1);
    return tag;
}

std::string access_key(const std::string& rest) {
    return rest.rfind("ipv6:", 0) == 0 ? ipv6_key(rest.substr(5)) : rest;
}

// sendmail access value -> postern access value, or "" when none.
std::string access_value(const std::string& value) {
    std::string v(trim(value));
    std::string word = lowercase(v.substr(0, v.find_first_of(": \t")));
    static const std::map<std::string, std::string, std::less<>> kPlain = {
        {"ok", "OK"}, {"relay", "RELAY"}, {"reject", "550 5.7.1 Access denied"}, {"discard", "DISCARD"},
        {"skip", "DUNNO"}};
    if (auto it = kPlain.find(word); it != kPlain.end() && word.size() == v.size()) return it->second;
    if (word == "quarantine" && v.size() > 11) return "HOLD " + v.substr(11);
    if (word != "error" || v.size() < 7) return {};
    std::string rest = v.substr(6);
    if (!rest.empty() && rest.front() == '"' && rest.back() == '"' && rest.size() >= 2) rest = rest.substr(1, rest.size() - 2);
    // "5.7.1:550 text", "550 5.7.1 text", "550 text"
    std::string dsn;
    if (auto c = rest.find(':'); c != std::string::npos && dsn_code(rest.substr(0, c))) {
        dsn = rest.substr(0, c);
        rest = rest.substr(c + 1);
    }
    auto sp = rest.find(' ');
    std::string code = rest.substr(0, sp);
    if (!digits(code) || code.size() != 3 || (code[0] != '4' && code[0] != '5')) return {};
    std::string text = sp == std::string::npos ? std::string{} : std::string(trim(rest.substr(sp + 1)));
    if (dsn.empty()) {
        auto sp2 = text.find(' ');
        if (dsn_code(text.substr(0, sp2))) {
            dsn = text.substr(0, sp2);
            text = sp2 == std::string::npos ? std::string{} : std::string(trim(text.substr(sp2 + 1)));
        }
    }
    if (dsn.empty()) dsn = std::string(1, code[0]) + ".7.1";
    return code + " " + dsn + " " + (text.empty() ? "Access denied" : text);
}

bool catches(const std::string& key, const std::string& domain) {
    return key == "*" || (key.size() > 1 && key[0] == '.' && domain.ends_with(key));
}

void keep_local_domains(const Domains& d, OutTables& out, Plan& plan) {
    auto it = out.find("transport");
    if (it == out.end()) return;
    for (const auto& domain : d.local) {
        auto& v = it->second;
        bool caught = std::any_of(v.begin(), v.end(), [&](const OutEntry& e) { return catches(e.key, domain); });
        if (!caught || !add_once(out, "transport", {domain, "local:", "class w"})) continue;
        plan.add("class w", "local host name " + domain, Outcome::ConvertedWithNote,
                 "transport " + domain + " local: keeps it local (a mailertable key would otherwise catch it)");
    }
}

const std::map<std::string, std::vector<std::string>, std::less<>> kAccessTables = {
    {"connect", {"client_access"}},
    {"from", {"sender_access"}},
    {"to", {"recipient_access"}},
    {"", {"client_access", "sender_access", "recipient_access"}},
};

}  // namespace

std::string error_text(std::string_view rest) {
    std::string r(trim(rest));
    // "5.7.1:550 text"
    if (auto c = r.find(':'); c != std::string::npos && dsn_code(r.substr(0, c))) {
        std::string dsn = r.substr(0, c), text(trim(r.substr(c + 1)));
        auto sp = text.find(' ');
        if (digits(text.substr(0, sp))) text = sp == std::string::npos ? std::string{} : std::string(trim(text.substr(sp)));
        return dsn + " " + text;
    }
    // "nouser text" (a sysexits keyword) or "550 text"
    static const std::map<std::string, std::string, std::less<>> kKeywords = {
        {"nouser", "5.1.1"}, {"nohost", "5.1.2"}, {"unavailable", "5.0.0"}, {"tempfail", "4.0.0"},
        {"software", "5.0.0"}, {"config", "5.3.5"}, {"protocol", "5.5.0"}, {"dataerr", "5.6.0"}};
    auto sp = r.find(' ');
    std::string word = r.substr(0, sp);
    std::string text = sp == std::string::npos ? std::string{} : std::string(trim(r.substr(sp)));
    if (auto it = kKeywords.find(lowercase(word)); it != kKeywords.end()) return it->second + " " + text;
    if (digits(word) && word.size() == 3) return word.substr(0, 1) + ".0.0 " + text;
    return "5.0.0 " + r;
}

std::string ipv6_key(std::string_view rest) {
    std::string s = lowercase(rest);
    in6_addr a{};
    char buf[INET6_ADDRSTRLEN];
    if (::inet_pton(AF_INET6, s.c_str(), &a) == 1 && ::inet_ntop(AF_INET6, &a, buf, sizeof buf)) return buf;
    std::vector<std::string> groups;
    for (auto g : split_list(s, ":")) {
        auto nz = g.find_first_not_of('0');
        groups.push_back(nz == std::string::npos ? "0" : g.substr(nz));
    }
    return join(groups, ":");
}

// sendmail looks up the host (exact key), then ".parent" for each parent
// domain, then "."; postern's transport search is the same with "*" for ".".
void convert_mailertable(const SourceTable& in, const Domains& d, OutTables& out, Plan& plan) {
    for (const auto& e : in.entries) {
        if (e.key.find('@') != std::string::npos || d.local.count(e.key)) {
            entry_item(plan, "mailertable", e, Outcome::NotConverted,
                 d.local.count(e.key) ? "a local host name (class w): sendmail delivers it before mailertable"
                                      : "sendmail looks up host names only: never used");
            continue;
        }
        std::string why, value = route_value(e.value, why);
        if (value.empty()) {
            entry_item(plan, "mailertable", e, Outcome::NotConverted, why);
            continue;
        }
        std::string key = e.key == "." ? "*" : e.key;
        add_once(out, "transport", {key, value, e.source});
        entry_item(plan, "mailertable", e, Outcome::Converted, "transport " + key + " " + value);
    }
    keep_local_domains(d, out, plan);
}

// Tagged keys first, so a tagged key wins over the same untagged key, as in
// sendmail's lookup (Tag:key before key at every step).
void convert_access(const SourceTable& in, OutTables& out, Plan& plan) {
    for (bool tagged : {true, false}) {
        for (const auto& e : in.entries) {
            std::string rest, tag = access_tag(e.key, rest);
            if (tag.empty() == tagged) continue;
            auto tables = kAccessTables.find(tag);
            if (tables == kAccessTables.end()) {
                entry_item(plan, "access", e, Outcome::NotConverted, "tag " + tag + ": has no postern equivalent");
                continue;
            }
            std::string value = access_value(e.value);
            if (value.empty()) {
                entry_item(plan, "access", e, Outcome::NotConverted, "value has no postern access action");
                continue;
            }
            std::string key = access_key(rest);
            std::vector<std::string> into;
            for (const auto& t : tables->second)
                if (add_once(out, t, {key, value, e.source})) into.push_back(t);
            entry_item(plan, "access", e, key == rest ? Outcome::Converted : Outcome::ConvertedWithNote,
                 (into.empty() ? "overridden by tagged keys" : join(into, ", ")) + " " + key + " " + value);
        }
    }
}

}  // namespace postern::migrate
