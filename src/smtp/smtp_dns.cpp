// c-ares lookups (see the header).
#include "smtp_dns.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>

#include <algorithm>
#include <memory>
#include <random>

#include "lib/base/strings.hpp"
#include "lib/dns/dns_channel.hpp"

namespace postern::smtp {
namespace {

using dns::Channel;
using dns::Clock;
using dns::is_temporary;
using dns::Query;

std::string lookup_error(const std::string& name, std::string_view type, int status) {
    return "Name service error for name=" + name + " type=" + std::string(type) + ": " + ares_strerror(status);
}

// A and AAAA for every host at once; hosts without an address are dropped.
DnsAnswer resolve_addresses(Channel& ch, std::vector<MxHost> hosts, Clock::time_point deadline) {
    std::vector<std::unique_ptr<Query>> queries;
    for (const auto& h : hosts)
        for (int type : {ns_t_a, ns_t_aaaa}) {
            queries.push_back(std::make_unique<Query>(Query{h.name, type, ARES_EDESTRUCTION, {}}));
            ch.start(*queries.back());
        }
    ch.run(deadline);
    DnsAnswer ans;
    int temp_status = ARES_SUCCESS;
    for (std::size_t i = 0; i < hosts.size(); ++i) {
        for (std::size_t k = 0; k < 2; ++k) {
            const Query& q = *queries[2 * i + k];
            dns::append_addresses(q, hosts[i].addresses);
            if (is_temporary(q.status)) temp_status = q.status;
        }
        if (!hosts[i].addresses.empty()) ans.hosts.push_back(std::move(hosts[i]));
    }
    if (!ans.hosts.empty()) {
        ans.kind = DnsAnswer::Kind::Ok;
    } else if (temp_status != ARES_SUCCESS) {
        ans.kind = DnsAnswer::Kind::TempFail;
        ans.detail = lookup_error(hosts.empty() ? "" : hosts.front().name, "A", temp_status);
    } else {
        ans.kind = DnsAnswer::Kind::NotFound;
        ans.detail = "Host or domain name not found. " + lookup_error(hosts.front().name, "A", ARES_ENOTFOUND);
    }
    return ans;
}

Result<std::vector<MxHost>> parse_mx(const Query& q) {
    ares_mx_reply* mx = nullptr;
    int st = ares_parse_mx_reply(q.answer.data(), static_cast<int>(q.answer.size()), &mx);
    if (st != ARES_SUCCESS) return make_error(ares_strerror(st));
    std::vector<MxHost> hosts;
    for (auto* m = mx; m; m = m->next) hosts.push_back(MxHost{normalize_name(m->host), m->priority, {}});
    ares_free_data(mx);
    return hosts;
}

}  // namespace

void order_mx_hosts(std::vector<MxHost>& hosts) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    std::stable_sort(hosts.begin(), hosts.end(),
                     [](const MxHost& a, const MxHost& b) { return a.preference < b.preference; });
    for (auto it = hosts.begin(); it != hosts.end();) {
        auto end = std::find_if(it, hosts.end(), [&](const MxHost& h) { return h.preference != it->preference; });
        std::shuffle(it, end, rng);
        it = end;
    }
}

DnsAnswer Resolver::resolve_host(const std::string& host) const {
    Channel ch(settings_);
    if (!ch.ok()) return DnsAnswer{DnsAnswer::Kind::TempFail, "resolver: " + ch.error(), {}};
    return resolve_addresses(ch, {MxHost{host, 0, {}}}, Clock::now() + settings_.timeout);
}

DnsAnswer Resolver::resolve_mx(const std::string& domain) const {
    Channel ch(settings_);
    if (!ch.ok()) return DnsAnswer{DnsAnswer::Kind::TempFail, "resolver: " + ch.error(), {}};
    Query q{domain, ns_t_mx, ARES_EDESTRUCTION, {}};
    ch.start(q);
    ch.run(Clock::now() + settings_.timeout);
    if (q.status == ARES_ENOTFOUND)
        return DnsAnswer{DnsAnswer::Kind::NotFound,
                         "Host or domain name not found. " + lookup_error(domain, "MX", q.status), {}};
    if (is_temporary(q.status)) return DnsAnswer{DnsAnswer::Kind::TempFail, lookup_error(domain, "MX", q.status), {}};
    auto hosts = q.status == ARES_SUCCESS ? parse_mx(q) : Result<std::vector<MxHost>>(std::vector<MxHost>{});
    if (!hosts || hosts->empty())  // no MX (or no parsable MX): the domain itself
        return resolve_addresses(ch, {MxHost{domain, 0, {}}}, Clock::now() + settings_.timeout);
    if (hosts->size() == 1 && hosts->front().name.empty())
        return DnsAnswer{DnsAnswer::Kind::NullMx, "Domain " + domain + " does not accept mail (nullMX)", {}};
    std::erase_if(*hosts, [](const MxHost& h) { return h.name.empty(); });
    order_mx_hosts(*hosts);
    return resolve_addresses(ch, std::move(*hosts), Clock::now() + settings_.timeout);
}

}  // namespace postern::smtp
