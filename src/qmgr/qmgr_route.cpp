// Table-driven routing decisions for one recipient.
#include "qmgr_route.hpp"

#include <cctype>

#include "lib/config/config.hpp"
#include "maps/address_tables.hpp"
#include "maps/transport_table.hpp"

namespace postern::qmgr {
namespace {

using Status = ipc::RecipientResult::Status;

ipc::RecipientResult verdict(Status status, std::string dsn, std::string reason) {
    ipc::RecipientResult r;
    r.status = status;
    r.dsn = std::move(dsn);
    r.reason = std::move(reason);
    return r;
}

bool looks_like_dsn(std::string_view s) {
    return s.size() >= 5 && (s[0] == '4' || s[0] == '5') && s[1] == '.' && std::isdigit(static_cast<unsigned char>(s[2]));
}

// "error:5.1.1 no such list" / "error:text" (5.0.0) / "retry:text" (4.0.0).
ipc::RecipientResult error_transport(const maps::Route& t) {
    std::string_view text = t.nexthop;
    std::string dsn = t.transport == "retry" ? "4.0.0" : "5.0.0";
    if (auto sp = text.find(' '); looks_like_dsn(text.substr(0, sp))) {
        dsn = std::string(text.substr(0, sp));
        text = sp == std::string_view::npos ? std::string_view{} : text.substr(sp + 1);
    }
    if (text.empty()) text = "delivery not possible by mail system configuration";
    return verdict(dsn[0] == '4' ? Status::Deferred : Status::Bounced, dsn, std::string(text));
}

}  // namespace

RouteTables RouteTables::open(const config::Config& cfg, const RoutingTable& routing) {
    namespace p = config::params;
    auto opts = maps::options_from(cfg);
    RouteTables t;
    t.transport = maps::MapList::open("transport_maps", cfg.get(p::transport_maps), opts);
    t.relocated = maps::MapList::open("relocated_maps", cfg.get(p::relocated_maps), opts);
    t.search.delimiters = cfg.get(p::recipient_delimiter);
    t.search.is_local = [dest = routing.mydestination](std::string_view d) { return is_local_domain(d, dest); };
    return t;
}

RouteDecision decide_route(RouteTables& tables, std::string_view address, const RoutingTable& routing) {
    RouteDecision d{resolve_recipient(address, routing), std::nullopt};
    if (!tables.relocated.empty()) {
        auto moved = maps::relocated_lookup(tables.relocated, address, tables.search);
        if (moved.status == maps::LookupStatus::TempFail)
            return {d.route, verdict(Status::Deferred, "4.3.0", "relocated_maps lookup failure: " + moved.error)};
        if (moved.status == maps::LookupStatus::Found) {
            std::string reply = moved.reply;
            if (reply.rfind("550 5.1.6 ", 0) == 0) reply.erase(0, 10);
            return {d.route, verdict(Status::Bounced, "5.1.6", reply)};
        }
    }
    if (tables.transport.empty()) return d;
    auto t = maps::transport_lookup(tables.transport, address, tables.search.delimiters);
    if (t.status == maps::LookupStatus::TempFail)
        return {d.route, verdict(Status::Deferred, "4.3.0", "transport_maps lookup failure: " + t.error)};
    if (t.status == maps::LookupStatus::NotFound) return d;
    if (t.transport == "error" || t.transport == "retry") return {d.route, error_transport(t)};
    if (!t.transport.empty()) d.route.transport = t.transport;
    if (!t.nexthop.empty()) d.route.nexthop = t.nexthop;
    else if (!t.transport.empty()) d.route.nexthop = recipient_domain(address);
    return d;
}

}  // namespace postern::qmgr
