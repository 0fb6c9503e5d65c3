// Next-hop syntax (see the header).
#include "smtp_nexthop.hpp"

#include <arpa/inet.h>

#include "lib/base/strings.hpp"

namespace postern::smtp {
namespace {

bool is_address(const std::string& s) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool valid_host(std::string_view h) {
    if (h.empty() || h.size() > 255) return false;
    for (unsigned char c : h)
        if (c <= ' ' || c == '[' || c == ']' || c == '@' || c == '/' || c >= 0x7f) return false;
    return true;
}

}  // namespace

Result<NextHop> parse_nexthop(std::string_view text, int default_port) {
    text = trim(text);
    NextHop hop;
    hop.port = default_port;
    std::string_view rest;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) return make_error("next hop \"" + std::string(text) + "\": missing ]");
        hop.host = std::string(text.substr(1, close - 1));
        if (starts_with_icase(hop.host, "ipv6:")) hop.host.erase(0, 5);
        hop.mx_lookup = false;
        rest = text.substr(close + 1);
    } else {
        auto colon = text.rfind(':');
        hop.host = std::string(text.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view{} : text.substr(colon);
    }
    if (!valid_host(hop.host)) return make_error("next hop \"" + std::string(text) + "\": bad host name");
    if (!rest.empty()) {
        auto port = rest.front() == ':' ? parse_int(rest.substr(1)) : std::nullopt;
        if (!port || *port < 1 || *port > 65535) return make_error("next hop \"" + std::string(text) + "\": bad port");
        hop.port = static_cast<int>(*port);
    }
    hop.literal = is_address(hop.host);
    if (hop.literal) hop.mx_lookup = false;
    if (!hop.literal) hop.host = lowercase(hop.host);
    return hop;
}

}  // namespace postern::smtp
