// Routing rules (see the header).
#include "lib/resolve/resolve_route.hpp"

#include <algorithm>

#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"

namespace postern::resolve {

std::string normalize_domain(std::string_view domain) {
    if (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
    return lowercase(domain);
}

std::string recipient_domain(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos) return {};
    return normalize_domain(address.substr(at + 1));
}

bool is_local_domain(std::string_view domain, const std::vector<std::string>& mydestination) {
    return std::find(mydestination.begin(), mydestination.end(), domain) != mydestination.end();
}

Route resolve_recipient(std::string_view address, const RoutingTable& table) {
    std::string domain = recipient_domain(address);
    if (domain.empty() || is_local_domain(domain, table.mydestination))
        return Route{table.local_transport, domain};
    if (!table.relayhost.empty()) return Route{table.default_transport, table.relayhost};
    return Route{table.default_transport, domain};
}

RoutingTable RoutingTable::from_config(const config::Config& cfg) {
    namespace p = config::params;
    RoutingTable t;
    for (const auto& d : cfg.get(p::mydestination)) {
        std::string n = normalize_domain(d);
        if (!n.empty()) t.mydestination.push_back(std::move(n));
    }
    t.local_transport = cfg.get(p::local_transport);
    t.default_transport = cfg.get(p::default_transport);
    t.relayhost = cfg.get(p::relayhost);
    return t;
}

}  // namespace postern::resolve
