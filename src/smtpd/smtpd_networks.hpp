// Client network lists ($mynetworks, $smtpd_client_event_limit_exceptions):
// "127.0.0.0/8", "[::1]/128", "192.0.2.7", "[2001:db8::1]". An IPv4-mapped
// IPv6 client (::ffff:192.0.2.7) matches as its IPv4 address. A malformed
// entry is a configuration error (reported once at start-up, fatal).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::smtpd {

struct Network {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
    unsigned prefix = 0;
};

Result<Network> parse_network(std::string_view text);

class NetworkList {
public:
    static Result<NetworkList> parse(const std::vector<std::string>& entries);
    // addr: textual IPv4 or IPv6 address of the client.
    bool contains(std::string_view addr) const;
    bool empty() const { return nets_.empty(); }

private:
    std::vector<Network> nets_;
};

}  // namespace postern::smtpd
