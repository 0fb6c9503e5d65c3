// CIDR matching for client addresses.
#include "smtpd_networks.hpp"

#include <arpa/inet.h>

#include <cstring>

#include "lib/base/strings.hpp"

namespace postern::smtpd {
namespace {

bool parse_address(std::string_view text, Network& n) {
    std::string s(text);
    if (inet_pton(AF_INET, s.c_str(), n.bytes.data()) == 1) {
        n.v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, s.c_str(), n.bytes.data()) != 1) return false;
    n.v6 = true;
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(n.bytes.data(), kMapped, sizeof kMapped) == 0) {
        std::memmove(n.bytes.data(), n.bytes.data() + 12, 4);
        n.v6 = false;
    }
    return true;
}

bool matches(const Network& net, const Network& addr) {
    if (net.v6 != addr.v6) return false;
    unsigned full = net.prefix / 8, rest = net.prefix % 8;
    if (std::memcmp(net.bytes.data(), addr.bytes.data(), full) != 0) return false;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (net.bytes[full] & mask) == (addr.bytes[full] & mask);
}

}  // namespace

Result<Network> parse_network(std::string_view text) {
    std::string_view host = text, bits;
    if (auto slash = text.rfind('/'); slash != std::string_view::npos) {
        host = text.substr(0, slash);
        bits = text.substr(slash + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    Network n;
    if (!parse_address(host, n)) return make_error("bad network address \"" + std::string(text) + "\"");
    unsigned max = n.v6 ? 128 : 32;
    n.prefix = max;
    if (!bits.empty()) {
        auto v = parse_int(bits);
        if (!v || *v < 0 || *v > static_cast<std::int64_t>(max))
            return make_error("bad network prefix \"" + std::string(text) + "\"");
        n.prefix = static_cast<unsigned>(*v);
    }
    return n;
}

Result<NetworkList> NetworkList::parse(const std::vector<std::string>& entries) {
    NetworkList list;
    for (const auto& e : entries) {
        auto n = parse_network(e);
        if (!n) return n.error();
        list.nets_.push_back(*n);
    }
    return list;
}

bool NetworkList::contains(std::string_view addr) const {
    Network a;
    if (!parse_address(addr, a)) return false;
    for (const auto& n : nets_)
        if (matches(n, a)) return true;
    return false;
}

}  // namespace postern::smtpd
