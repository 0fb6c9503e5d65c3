// Where mail for a next hop goes, asked of DNS with c-ares.
//
//   MX lookup: hosts sorted by preference, equal preferences shuffled
//   (RFC 5321 5.1); each host's A and AAAA records (CNAMEs followed by
//   c-ares). No MX records: the domain's own A/AAAA (implicit MX).
//   A null MX (one MX ".", RFC 7505) means the domain takes no mail.
//   Without MX lookup: the host's A/AAAA only.
// Outcome per lookup: Ok, NotFound (NXDOMAIN or no address: the mail
// bounces, 5.1.2), NullMx (bounce 5.1.10), TempFail (timeout, SERVFAIL,
// refused: the mail is deferred, 4.4.3).
// All queries of one stage run at once on one c-ares channel; the whole
// resolution is bounded by $smtp_dns_timeout per stage.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/dns/dns_settings.hpp"

namespace postern::smtp {

using DnsSettings = dns::Settings;

struct MxHost {
    std::string name;
    int preference = 0;
    std::vector<std::string> addresses;  // numeric, IPv4 first
};

struct DnsAnswer {
    enum class Kind { Ok, NotFound, NullMx, TempFail } kind = Kind::TempFail;
    std::string detail;         // for the bounce or defer reason
    std::vector<MxHost> hosts;  // Ok: in the order to try
};

class Resolver {
public:
    explicit Resolver(DnsSettings settings) : settings_(std::move(settings)) {}
    DnsAnswer resolve_mx(const std::string& domain) const;
    DnsAnswer resolve_host(const std::string& host) const;

private:
    DnsSettings settings_;
};

using dns::normalize_name;  // "Mail.Example.COM." -> "mail.example.com"
// Sort by preference and shuffle runs of equal preference (exposed for tests).
void order_mx_hosts(std::vector<MxHost>& hosts);

}  // namespace postern::smtp
