// ldap: table configuration and filter/result expansion.
#include "maps/ldap_config.hpp"

#include <functional>
#include <map>

#include "lib/base/logical_lines.hpp"
#include "lib/base/strings.hpp"

namespace postern::maps {
namespace {

// Longest parameter setting, continuation lines included.
constexpr std::size_t kMaxEntry = 65536;

using Setter = std::function<Status(LdapConfig&, const std::string&)>;

Status set_int(int& out, const std::string& v, int min, int max) {
    auto n = parse_int(v);
    if (!n || *n < min || *n > max) return make_error("bad number \"" + v + "\"");
    out = static_cast<int>(*n);
    return {};
}

Status set_bool(bool& out, const std::string& v) {
    std::string l = lowercase(v);
    if (l == "yes" || l == "true" || l == "1") out = true;
    else if (l == "no" || l == "false" || l == "0") out = false;
    else return make_error("expected yes or no, got \"" + v + "\"");
    return {};
}

const std::map<std::string, Setter, std::less<>>& setters() {
    static const std::map<std::string, Setter, std::less<>> table{
        {"server_host", [](LdapConfig& c, const std::string& v) { c.server_host = split_list(v); return Status{}; }},
        {"server_port", [](LdapConfig& c, const std::string& v) { return set_int(c.server_port, v, 1, 65535); }},
        {"search_base", [](LdapConfig& c, const std::string& v) { c.search_base = v; return Status{}; }},
        {"scope", [](LdapConfig& c, const std::string& v) {
             static const std::map<std::string, LdapScope, std::less<>> kScopes{
                 {"base", LdapScope::Base}, {"one", LdapScope::One}, {"sub", LdapScope::Sub}};
             auto it = kScopes.find(lowercase(v));
             if (it == kScopes.end()) return Status{make_error("scope must be base, one or sub")};
             c.scope = it->second;
             return Status{};
         }},
        {"query_filter", [](LdapConfig& c, const std::string& v) { c.query_filter = v; return Status{}; }},
        {"result_attribute", [](LdapConfig& c, const std::string& v) { c.result_attribute = split_list(v); return Status{}; }},
        {"result_format", [](LdapConfig& c, const std::string& v) { c.result_format = v; return Status{}; }},
        {"domain", [](LdapConfig& c, const std::string& v) { c.domain = split_list(lowercase(v)); return Status{}; }},
        {"bind", [](LdapConfig& c, const std::string& v) { return set_bool(c.bind, v); }},
        {"bind_dn", [](LdapConfig& c, const std::string& v) { c.bind_dn = v; return Status{}; }},
        {"bind_pw", [](LdapConfig& c, const std::string& v) { c.bind_pw = v; return Status{}; }},
        {"timeout", [](LdapConfig& c, const std::string& v) -> Status {
             int n = 0;
             POSTERN_TRY(set_int(n, v, 1, 3600));
             c.timeout = std::chrono::seconds{n};
             return Status{};
         }},
        {"size_limit", [](LdapConfig& c, const std::string& v) { return set_int(c.size_limit, v, 0, 1000000); }},
        {"start_tls", [](LdapConfig& c, const std::string& v) { return set_bool(c.start_tls, v); }},
        {"version", [](LdapConfig& c, const std::string& v) { return set_int(c.version, v, 2, 3); }},
        {"tls_ca_cert_file", [](LdapConfig& c, const std::string& v) { c.tls_ca_cert_file = v; return Status{}; }},
        {"tls_require_cert", [](LdapConfig& c, const std::string& v) { return set_bool(c.tls_require_cert, v); }},
    };
    return table;
}

// Domain labels from the right: %1 is the top-level label.
std::optional<std::string> domain_label(std::string_view domain, int n) {
    std::vector<std::string> labels = split_list(domain, ".");
    if (n < 1 || static_cast<std::size_t>(n) > labels.size()) return std::nullopt;
    return labels[labels.size() - static_cast<std::size_t>(n)];
}

}  // namespace

std::string LdapConfig::uri_list() const {
    std::vector<std::string> uris;
    for (const std::string& h : server_host) {
        if (h.find("://") != std::string::npos) uris.push_back(h);
        else if (h.find(':') != std::string::npos) uris.push_back("ldap://" + h);
        else uris.push_back("ldap://" + h + ":" + std::to_string(server_port));
    }
    return join(uris, " ");
}

Result<LdapConfig> parse_ldap_config(std::string_view text, const std::string& path) {
    LdapConfig cfg;
    LogicalLineOptions opts;
    opts.max_entry = kMaxEntry;
    LogicalLines logical = read_logical_lines(text, path, opts);
    if (!logical.warnings.empty()) return make_error(logical.warnings.front());
    for (const auto& [line, body, too_long] : logical.entries) {
        std::string where = path + ":" + std::to_string(line) + ": ";
        if (too_long) return make_error(where + "entry longer than " + std::to_string(kMaxEntry) + " bytes");
        auto eq = body.find('=');
        if (eq == std::string::npos) return make_error(where + "expected name = value");
        std::string name(trim(std::string_view(body).substr(0, eq)));
        std::string value(trim(std::string_view(body).substr(eq + 1)));
        auto it = setters().find(name);
        if (it == setters().end()) return make_error(where + "unknown parameter \"" + name + "\"");
        if (Status s = it->second(cfg, value); !s) return make_error(where + name + ": " + s.error().message);
    }
    if (cfg.server_host.empty()) return make_error(path + ": server_host is empty");
    return cfg;
}

std::string ldap_escape(std::string_view value) {
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : value) {
        if (c == '*' || c == '(' || c == ')' || c == '\\' || c == 0) {
            out += '\\';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

Result<std::optional<std::string>> expand_filter(std::string_view filter, std::string_view key) {
    auto at = key.rfind('@');
    std::string_view local = at == std::string_view::npos ? key : key.substr(0, at);
    std::optional<std::string_view> domain;
    if (at != std::string_view::npos) domain = key.substr(at + 1);
    std::string out;
    for (std::size_t i = 0; i < filter.size(); ++i) {
        if (filter[i] != '%') { out += filter[i]; continue; }
        if (++i == filter.size()) return make_error("query_filter ends in %");
        char c = filter[i];
        char lc = static_cast<char>(c | 0x20);
        bool fold = c >= 'a' && c <= 'z';
        std::string part;
        if (c == '%') { out += '%'; continue; }
        if (lc == 's') part = std::string(key);
        else if (lc == 'u') part = std::string(local);
        else if (lc == 'd') {
            if (!domain || domain->empty()) return std::optional<std::string>{};
            part = std::string(*domain);
        } else if (c >= '1' && c <= '9') {
            if (!domain) return std::optional<std::string>{};
            auto label = domain_label(*domain, c - '0');
            if (!label) return std::optional<std::string>{};
            part = *label;
        } else {
            return make_error(std::string("query_filter: unknown %") + c);
        }
        out += ldap_escape(fold || (c >= '1' && c <= '9') ? lowercase(part) : part);
    }
    return std::optional<std::string>{out};
}

std::optional<std::string> expand_result(std::string_view format, std::string_view value) {
    auto at = value.rfind('@');
    std::string out;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) { out += format[i]; continue; }
        char c = format[++i];
        if (c == '%') out += '%';
        else if (c == 's' || c == 'S') out.append(value);
        else if (c == 'u' || c == 'U') out.append(at == std::string_view::npos ? value : value.substr(0, at));
        else if (c == 'd' || c == 'D') {
            if (at == std::string_view::npos) return std::nullopt;
            out.append(value.substr(at + 1));
        } else {
            out += '%';
            out += c;
        }
    }
    return out;
}

bool domain_allowed(const LdapConfig& cfg, std::string_view key) {
    if (cfg.domain.empty()) return true;
    auto at = key.rfind('@');
    if (at == std::string_view::npos) return false;
    std::string d = lowercase(key.substr(at + 1));
    for (const std::string& allowed : cfg.domain) {
        if (allowed == d) return true;
    }
    return false;
}

}  // namespace postern::maps
