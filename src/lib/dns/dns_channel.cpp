// c-ares channel (see the header).
#include "dns_channel.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <poll.h>

#include <algorithm>
#include <mutex>

#include "lib/base/strings.hpp"

namespace postern::dns {
namespace {

void on_answer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    auto* q = static_cast<Query*>(arg);
    q->status = status;
    if (status == ARES_SUCCESS && abuf && alen > 0) q->answer.assign(abuf, abuf + alen);
}

}  // namespace

std::string normalize_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return lowercase(name);
}

Channel::Channel(const Settings& s) {
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

Channel::~Channel() {
    if (status_ == ARES_SUCCESS || ch_) ares_destroy(ch_);
}

void Channel::start(Query& q) { ares_query(ch_, q.name.c_str(), ns_c_in, q.type, on_answer, &q); }

void Channel::run(Clock::time_point deadline) {
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

bool is_temporary(int status) {
    return status != ARES_SUCCESS && status != ARES_ENOTFOUND && status != ARES_ENODATA;
}

void append_addresses(const Query& q, std::vector<std::string>& out) {
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

}  // namespace postern::dns
