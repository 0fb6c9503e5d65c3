// inet endpoints: "[host:]port" names, the addresses they stand for, and
// binding them.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "lib/base/strings.hpp"
#include "master_services.hpp"

namespace postern::master {
namespace {

std::string address_label(const sockaddr* sa, const std::string& port) {
    char host[INET6_ADDRSTRLEN] = "?";
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, host, sizeof host);
    else
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, host, sizeof host);
    return sa->sa_family == AF_INET6 ? "[" + std::string(host) + "]:" + port : std::string(host) + ":" + port;
}

Status add_resolved(const std::string& host, const std::string& port, bool optional,
                    std::vector<InetAddress>& out) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
    if (rc != 0) return make_error(host + ":" + port + ": " + gai_strerror(rc));
    for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
        InetAddress a;
        std::memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
        a.len = ai->ai_addrlen;
        a.label = address_label(ai->ai_addr, port);
        a.optional = optional;
        bool seen = false;
        for (const auto& o : out) seen = seen || o.label == a.label;
        if (!seen) out.push_back(std::move(a));
    }
    freeaddrinfo(res);
    return {};
}

}  // namespace

Result<InetName> parse_inet_name(std::string_view name) {
    InetName n;
    if (!name.empty() && name.front() == '[') {
        auto close = name.find(']');
        if (close == std::string_view::npos || close + 1 >= name.size() || name[close + 1] != ':')
            return make_error("bad inet service name \"" + std::string(name) + "\": want [host]:port");
        n.host = std::string(name.substr(1, close - 1));
        n.port = std::string(name.substr(close + 2));
    } else if (auto colon = name.rfind(':'); colon != std::string_view::npos) {
        if (name.find(':') != colon)
            return make_error("bad inet service name \"" + std::string(name) + "\": put IPv6 addresses in []");
        n.host = std::string(name.substr(0, colon));
        n.port = std::string(name.substr(colon + 1));
    } else {
        n.port = std::string(name);
    }
    if (n.port.empty()) return make_error("bad inet service name \"" + std::string(name) + "\": no port");
    return n;
}

Result<std::vector<InetAddress>> resolve_listen_addresses(const InetName& name,
                                                          const std::vector<std::string>& interfaces) {
    std::vector<std::string> hosts = name.host.empty() ? interfaces : std::vector<std::string>{name.host};
    std::vector<InetAddress> out;
    for (const auto& h : hosts) {
        if (iequals(h, "all")) {
            POSTERN_TRY(add_resolved("0.0.0.0", name.port, false, out));
            POSTERN_TRY(add_resolved("::", name.port, true, out));
        } else {
            POSTERN_TRY(add_resolved(h, name.port, false, out));
        }
    }
    if (out.empty()) return make_error("port " + name.port + ": no address to listen on");
    return out;
}

Result<UniqueFd> open_inet_listener(const InetAddress& address, int backlog) {
    int family = address.addr.ss_family;
    UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return errno_error(address.label + ": socket");
    int on = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    // Separate sockets serve IPv4 and IPv6, so "::" must not claim IPv4 too.
    if (family == AF_INET6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address.addr), address.len) != 0)
        return errno_error(address.label + ": bind");
    if (::listen(fd.get(), backlog) != 0) return errno_error(address.label + ": listen");
    return fd;
}

}  // namespace postern::master
