// c-ares lookups (see the header).
#include "smtp_dns.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>
#include <poll.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>

#include "lib/base/strings.hpp"

namespace postern::smtp {
namespace {

using Clock = std::chrono::steady_clock;

struct Query {
    std::string name;
    int type = 0;
    int status = ARES_EDESTRUCTION;
    std::vector<unsigned char> answer;
};

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    auto* q = static_cast<Query*>(arg);
    q->status = status;
    if (status == ARES_SUCCESS && abuf && alen > 0) q->answer.assign(abuf, abuf + alen);
}

// One c-ares channel; destroyed (and every callback run) on scope exit.
class Channel {
public:
    explicit Channel(const DnsSettings& s) {
        static std::once_flag once;
        std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
        ares_options opts{};
        opts.timeout = static_cast<int>(std::max<long long>(1000, s.timeout.count() / 3));
        opts.tries = 3;
        opts.udp_port = static_cast<unsigned short>(s.port);
        opts.tcp_port = static_cast<unsigned short>(s.port);
        int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_UDP_PORT | ARES_OPT_TCP_PORT;
        status_ = ares_init_options(&ch_, &opts, mask);
        if (status_ == ARES_SUCCESS && !s.servers.empty()) {
            std::string csv = join(s.servers, ",");
            status_ = ares_set_servers_csv(ch_, csv.c_str());
        }
    }
    ~Channel() {
        if (status_ == ARES_SUCCESS || ch_) ares_destroy(ch_);
    }
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;
    bool ok() const { return status_ == ARES_SUCCESS; }
    std::string error() const { return ares_strerror(status_); }

    void start(Query& q) { ares_query(ch_, q.name.c_str(), ns_c_in, q.type, on_answer, &q); }
    // Process until every query answered or the deadline passed (the rest
    // are cancelled: their status becomes ARES_ECANCELLED).
    void run(Clock::time_point deadline) {
        for (;;) {
            ares_socket_t socks[ARES_GETSOCK_MAXNUM];
            int bits = ares_getsock(ch_, socks, ARES_GETSOCK_MAXNUM);
            std::vector<pollfd> fds;
            for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
                short ev = static_cast<short>((ARES_GETSOCK_READABLE(bits, i) ? POLLIN : 0) |
                                              (ARES_GETSOCK_WRITABLE(bits, i) ? POLLOUT : 0));
                if (ev) fds.push_back(pollfd{socks[i], ev, 0});
            }
            if (fds.empty()) return;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) {
                ares_cancel(ch_);
                return;
            }
            timeval tv{}, maxtv{left / 1000, static_cast<long>((left % 1000) * 1000)};
            timeval* t = ares_timeout(ch_, &maxtv, &tv);
            int wait = static_cast<int>(t->tv_sec * 1000 + t->tv_usec / 1000);
            if (::poll(fds.data(), fds.size(), std::max(wait, 1)) < 0) continue;
            for (const auto& p : fds) {
                ares_socket_t r = (p.revents & (POLLIN | POLLERR | POLLHUP)) ? p.fd : ARES_SOCKET_BAD;
                ares_socket_t w = (p.revents & POLLOUT) ? p.fd : ARES_SOCKET_BAD;
                ares_process_fd(ch_, r, w);
            }
            ares_process_fd(ch_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // timeouts
        }
    }

private:
    ares_channel ch_ = nullptr;
    int status_ = ARES_ENOTINITIALIZED;
};

bool is_temporary(int status) {
    return status != ARES_SUCCESS && status != ARES_ENOTFOUND && status != ARES_ENODATA;
}

void add_addresses(const Query& q, std::vector<std::string>& out) {
    if (q.status != ARES_SUCCESS) return;
    char text[INET6_ADDRSTRLEN];
    int n = 32;
    if (q.type == ns_t_a) {
        ares_addrttl a[32];
        if (ares_parse_a_reply(q.answer.data(), static_cast<int>(q.answer.size()), nullptr, a, &n) != ARES_SUCCESS) return;
        for (int i = 0; i < n; ++i)
            if (::inet_ntop(AF_INET, &a[i].ipaddr, text, sizeof text)) out.emplace_back(text);
    } else {
        ares_addr6ttl a[32];
        if (ares_parse_aaaa_reply(q.answer.data(), static_cast<int>(q.answer.size()), nullptr, a, &n) != ARES_SUCCESS)
            return;
        for (int i = 0; i < n; ++i)
            if (::inet_ntop(AF_INET6, &a[i].ip6addr, text, sizeof text)) out.emplace_back(text);
    }
}

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
            add_addresses(q, hosts[i].addresses);
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

std::string normalize_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return lowercase(name);
}

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
