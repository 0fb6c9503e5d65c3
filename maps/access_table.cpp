// access(5) lookups.
#include "maps/access_table.hpp"

#include <cctype>
#include <functional>
#include <map>

#include "lib/base/strings.hpp"
#include "maps/address_keys.hpp"

namespace postern::maps {
namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

// "550 text" -> "550 5.7.1 text" unless the text has its own enhanced code.
std::string with_status(std::string_view code, std::string_view text) {
    text = trim(text);
    bool enhanced = text.size() >= 5 && text[0] == code[0] && text[1] == '.';
    std::string out(code);
    out += ' ';
    if (!enhanced) out += std::string(1, code[0]) + ".7.1 ";
    out += text.empty() ? std::string("Access denied") : std::string(text);
    return out;
}

AccessResult found(AccessAction a, std::string reply = {}) {
    AccessResult r;
    r.status = LookupStatus::Found;
    r.action = a;
    r.reply = std::move(reply);
    return r;
}

using ActionParser = std::function<AccessResult(std::string_view text)>;

const std::map<std::string, ActionParser, std::less<>>& actions() {
    static const std::map<std::string, ActionParser, std::less<>> table{
        {"ok", [](std::string_view) { return found(AccessAction::Ok); }},
        {"relay", [](std::string_view) { return found(AccessAction::Relay); }},
        {"dunno", [](std::string_view) { return AccessResult{}; }},
        {"reject", [](std::string_view t) { return found(AccessAction::Reject, with_status("554", t)); }},
        {"defer", [](std::string_view t) { return found(AccessAction::Defer, with_status("450", t)); }},
        {"hold", [](std::string_view t) { return found(AccessAction::Hold, std::string(trim(t))); }},
        {"discard", [](std::string_view t) { return found(AccessAction::Discard, std::string(trim(t))); }},
    };
    return table;
}

std::vector<std::string> host_keys(std::string_view name) {
    std::string n = lowercase(trim(name));
    while (!n.empty() && n.back() == '.') n.pop_back();
    std::vector<std::string> keys{n};
    for (auto dot = n.find('.'); dot != std::string::npos; dot = n.find('.', dot + 1)) {
        keys.push_back(n.substr(dot + 1));
        keys.push_back(n.substr(dot));
    }
    return keys;
}

std::vector<std::string> network_keys(std::string_view address) {
    std::string a = lowercase(trim(address));
    char sep = a.find(':') != std::string::npos ? ':' : '.';
    std::vector<std::string> keys;
    while (!a.empty()) {
        keys.push_back(a);
        auto cut = a.rfind(sep);
        if (cut == std::string::npos) break;
        a.resize(cut);
        while (!a.empty() && a.back() == sep) a.pop_back();  // "2001:db8::" -> "2001:db8"
    }
    return keys;
}

AccessResult search(MapList& maps, const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
        Lookup l = maps.lookup(key);
        if (l.is_not_found()) continue;
        if (l.is_temp_fail()) {
            AccessResult r;
            r.status = LookupStatus::TempFail;
            r.error = l.error();
            return r;
        }
        AccessResult r = parse_access(l.value());
        r.key = key;
        if (r.status == LookupStatus::TempFail) r.error = maps.title() + ": key " + key + ": " + r.error;
        return r;  // DUNNO included: stop here
    }
    return AccessResult{};
}

}  // namespace

AccessResult parse_access(std::string_view value) {
    value = trim(value);
    auto sp = value.find_first_of(" \t");
    std::string_view word = value.substr(0, sp);
    std::string_view text = sp == std::string_view::npos ? std::string_view{} : value.substr(sp + 1);
    if (all_digits(value)) return found(AccessAction::Ok);
    if (word.size() == 3 && all_digits(word) && (word[0] == '4' || word[0] == '5')) {
        return found(AccessAction::Reply, with_status(word, text));
    }
    auto it = actions().find(lowercase(word));
    if (it != actions().end()) return it->second(text);
    AccessResult r;
    r.status = LookupStatus::TempFail;
    r.error = "unknown access action \"" + std::string(word) + "\" (451 4.3.5 Server configuration error)";
    return r;
}

AccessResult access_client_address(MapList& maps, std::string_view address) {
    return search(maps, network_keys(address));
}

AccessResult access_host_name(MapList& maps, std::string_view name) { return search(maps, host_keys(name)); }

AccessResult access_address(MapList& maps, std::string_view address, std::string_view delimiters) {
    AddressParts p = split_address(address, delimiters);
    std::vector<std::string> keys;
    std::string full_user = p.delimiter ? p.user + p.delimiter + p.extension : p.user;
    if (p.has_domain) {
        if (p.delimiter) keys.push_back(full_user + "@" + p.domain);
        keys.push_back(p.user + "@" + p.domain);
        for (std::string& k : host_keys(p.domain)) keys.push_back(std::move(k));
    }
    if (p.delimiter) keys.push_back(full_user + "@");
    keys.push_back(p.user + "@");
    return search(maps, keys);
}

AccessResult access_exact(MapList& maps, std::string_view key) { return search(maps, {std::string(key)}); }

}  // namespace postern::maps
