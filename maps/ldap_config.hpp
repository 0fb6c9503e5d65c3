// The configuration file of an ldap: table (postern-ldap(5)) and the pure
// parts of a query: filter and result expansion. Format: "name = value"
// lines, "#" comments, a line starting with white space continues the
// previous one. An unknown name, a bad number or a bad scope is an error
// naming "PATH:LINE". The names follow Postfix's ldap_table(5).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::maps {

enum class LdapScope { Base, One, Sub };

struct LdapConfig {
    std::vector<std::string> server_host{"localhost"};  // URIs (ldap://, ldaps://, ldapi://) or host names
    int server_port = 389;
    std::string search_base;
    LdapScope scope = LdapScope::Sub;
    std::string query_filter = "(mailacceptinggeneralid=%s)";
    std::vector<std::string> result_attribute{"maildrop"};
    std::string result_format = "%s";
    std::vector<std::string> domain;  // when set, only keys in these domains are looked up
    bool bind = false;
    std::string bind_dn;
    std::string bind_pw;
    std::chrono::seconds timeout{10};
    int size_limit = 0;  // 0: unlimited; more entries than this is TempFail
    bool start_tls = false;
    int version = 3;
    std::string tls_ca_cert_file;
    bool tls_require_cert = false;

    // ldap_initialize's space-separated URI list.
    std::string uri_list() const;
};

Result<LdapConfig> parse_ldap_config(std::string_view text, const std::string& path);

// RFC 4515 escaping of a value placed inside a filter.
std::string ldap_escape(std::string_view value);
// Expand query_filter for key: %s %u %d %1..%9 %% (escaped; upper-case %S %U
// %D keep case, lower-case fold). nullopt: the query is suppressed (the key
// has no domain for %d/%N), which is NotFound.
Result<std::optional<std::string>> expand_filter(std::string_view filter, std::string_view key);
// Apply result_format to one attribute value (%s %u %d %%); nullopt: skip it.
std::optional<std::string> expand_result(std::string_view format, std::string_view value);
// Whether key passes the domain restriction.
bool domain_allowed(const LdapConfig& cfg, std::string_view key);

}  // namespace postern::maps
