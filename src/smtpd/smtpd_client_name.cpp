// Client host name lookup (see the header).
#include "smtpd_client_name.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>

#include <algorithm>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <memory>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"

namespace postern::smtpd {
namespace {

constexpr std::size_t kMaxPtrNames = 8;  // bounds the forward queries of one client
const std::string kHostsFile = "/etc/hosts";
constexpr std::size_t kMaxHostsFile = 1 << 20;


// The address in binary (family, 16 bytes), for comparing text forms.
struct Binary {
    int family = 0;
    unsigned char bytes[16] = {};
    bool operator==(const Binary& o) const { return family == o.family && std::memcmp(bytes, o.bytes, 16) == 0; }
};

Binary to_binary(std::string_view text) {
    Binary b;
    std::string s(text);
    if (::inet_pton(AF_INET, s.c_str(), b.bytes) == 1) b.family = AF_INET;
    else if (::inet_pton(AF_INET6, s.c_str(), b.bytes) == 1) b.family = AF_INET6;
    return b;
}

bool valid_label(std::string_view l) {
    if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
    return std::all_of(l.begin(), l.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

// The PTR names of an answered query (h_name and aliases), at most kMaxPtrNames.
std::vector<std::string> ptr_names(const dns::Query& q, const Binary& addr) {
    std::vector<std::string> names;
    hostent* host = nullptr;
    int len = addr.family == AF_INET ? 4 : 16;
    if (ares_parse_ptr_reply(q.answer.data(), static_cast<int>(q.answer.size()), addr.bytes, len, addr.family,
                             &host) != ARES_SUCCESS)
        return names;
    if (host->h_name) names.push_back(dns::normalize_name(host->h_name));
    for (char** a = host->h_aliases; a && *a && names.size() < kMaxPtrNames; ++a) {
        std::string n = dns::normalize_name(*a);
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
    }
    ares_free_hostent(host);
    return names;
}

std::string failure(std::string_view what, const std::string& name, int status) {
    return std::string(what) + " lookup for " + name + " failed: " + ares_strerror(status);
}

}  // namespace

std::string reverse_name(std::string_view addr) {
    Binary b = to_binary(addr);
    std::string out;
    static const char hex[] = "0123456789abcdef";
    if (b.family == AF_INET) {
        for (int i = 3; i >= 0; --i) out += std::to_string(b.bytes[i]) + ".";
        return out + "in-addr.arpa";
    }
    if (b.family == AF_INET6) {
        for (int i = 15; i >= 0; --i) {
            out += hex[b.bytes[i] & 0xf];
            out += '.';
            out += hex[b.bytes[i] >> 4];
            out += '.';
        }
        return out + "ip6.arpa";
    }
    return out;
}

bool valid_client_name(std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    if (std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; }))
        return false;
    if (to_binary(name).family != 0) return false;  // an IPv6 literal
    for (std::size_t start = 0;;) {
        std::size_t dot = name.find('.', start);
        if (!valid_label(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

std::string confirmed_name(std::string_view addr, const std::vector<NameCandidate>& candidates) {
    Binary want = to_binary(addr);
    if (want.family == 0) return kUnknownClient;
    for (const auto& c : candidates) {
        std::string name = dns::normalize_name(c.name);
        if (!valid_client_name(name)) continue;
        for (const auto& a : c.addresses)
            if (to_binary(a) == want) return name;
    }
    return kUnknownClient;
}

std::vector<NameCandidate> hosts_file_candidates(std::string_view text, std::string_view addr) {
    const Binary want = to_binary(addr);
    std::vector<std::pair<std::string, std::vector<std::string>>> lines;  // address, names
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        line = line.substr(0, line.find('#'));
        auto fields = split_list(line, " \t\r");
        if (fields.size() >= 2) lines.emplace_back(std::string(fields[0]), std::vector<std::string>(fields.begin() + 1, fields.end()));
    }
    std::vector<NameCandidate> out;
    for (const auto& [a, names] : lines) {
        if (want.family == 0 || !(to_binary(a) == want)) continue;
        for (const auto& n : names) {
            if (out.size() >= kMaxPtrNames) return out;
            NameCandidate c{n, {}};
            for (const auto& [a2, names2] : lines)
                if (std::find(names2.begin(), names2.end(), n) != names2.end()) c.addresses.push_back(a2);
            out.push_back(std::move(c));
        }
    }
    return out;
}

namespace {

// The name /etc/hosts confirms for addr, or "unknown" (also when the file
// is missing, as in a chroot: DNS only then).
std::string hosts_file_name(const std::string& addr) {
    auto hosts = read_file(kHostsFile, kMaxHostsFile);
    return hosts ? confirmed_name(addr, hosts_file_candidates(*hosts, addr)) : kUnknownClient;
}

}  // namespace

ClientName lookup_client_name(const dns::Settings& settings, const std::string& addr, dns::Clock::time_point deadline) {
    Binary bin = to_binary(addr);
    if (bin.family == 0) return {};
    if (std::string name = hosts_file_name(addr); name != kUnknownClient) return {name, ""};
    if (dns::Clock::now() >= deadline) return {kUnknownClient, "hostname lookup for " + addr + " not started: timeout"};
    dns::Channel ch(settings);
    if (!ch.ok()) return {kUnknownClient, "resolver: " + ch.error()};
    dns::Query ptr{reverse_name(addr), ns_t_ptr, ARES_EDESTRUCTION, {}};
    ch.start(ptr);
    ch.run(deadline);
    if (ptr.status != ARES_SUCCESS)
        return {kUnknownClient, dns::is_temporary(ptr.status) ? failure("hostname", addr, ptr.status) : ""};
    std::vector<NameCandidate> candidates;
    for (auto& n : ptr_names(ptr, bin))
        if (valid_client_name(n)) candidates.push_back(NameCandidate{std::move(n), {}});
    if (candidates.empty()) return {kUnknownClient, "no valid host name in the PTR record of " + addr};
    std::vector<std::unique_ptr<dns::Query>> forward;  // c-ares keeps pointers: stable addresses
    for (const auto& c : candidates)
        for (int type : {ns_t_a, ns_t_aaaa}) {
            forward.push_back(std::make_unique<dns::Query>(dns::Query{c.name, type, ARES_EDESTRUCTION, {}}));
            ch.start(*forward.back());
        }
    ch.run(deadline);
    int temporary = ARES_SUCCESS;
    for (std::size_t i = 0; i < forward.size(); ++i) {
        dns::append_addresses(*forward[i], candidates[i / 2].addresses);
        if (dns::is_temporary(forward[i]->status)) temporary = forward[i]->status;
    }
    std::string name = confirmed_name(addr, candidates);
    if (name != kUnknownClient) return {name, ""};
    if (temporary != ARES_SUCCESS) return {kUnknownClient, failure("address", candidates.front().name, temporary)};
    return {kUnknownClient, "hostname " + candidates.front().name + " does not resolve to address " + addr};
}

asio::awaitable<std::string> ClientNameResolver::name_of(std::string addr) {
    // A local file read: answered here, without the worker hop.
    if (std::string name = hosts_file_name(addr); name != kUnknownClient) co_return name;
    auto deadline = dns::Clock::now() + dns_.timeout;
    auto initiate = [this, &addr, deadline](auto handler) {
        auto home = asio::get_associated_executor(handler);
        auto work = asio::make_work_guard(home);
        asio::post(pool_, [this, addr, deadline, handler = std::move(handler), work = std::move(work)]() mutable {
            ClientName found = lookup_client_name(dns_, addr, deadline);
            auto ex = work.get_executor();
            asio::post(ex, [handler = std::move(handler), found = std::move(found)]() mutable {
                handler(std::move(found));
            });
        });
    };
    ClientName found = co_await asio::async_initiate<decltype(asio::use_awaitable), void(ClientName)>(
        initiate, asio::use_awaitable);
    if (!found.warning.empty()) log::warn("%s; client is unknown", log::printable(found.warning).c_str());
    co_return found.name;
}

}  // namespace postern::smtpd
