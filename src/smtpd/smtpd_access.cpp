// smtpd's tables backed by maps/: access(5) checks, virtual_alias_maps and
// the alias opener (see the header).
#include "smtpd_access.hpp"

#include <map>

#include "lib/base/log.hpp"
#include "lib/config/config.hpp"
#include "lib/resolve/resolve_route.hpp"
#include "maps/access_table.hpp"
#include "maps/address_keys.hpp"
#include "maps/alias_source.hpp"
#include "maps/map_list.hpp"

namespace postern::smtpd {
namespace {

namespace p = config::params;

// What a table answered, as the reply smtpd sends: Postfix's shape
// "554 5.7.1 <subject>: Client host rejected: Access denied".
AccessVerdict verdict_of(const maps::AccessResult& r, std::string_view subject, std::string_view what) {
    std::string who = "<" + log::printable(subject, 300) + ">: ";
    if (r.status == maps::LookupStatus::TempFail) {
        log::warn("%s%s", who.c_str(), r.error.c_str());
        // A value was found but is no action: configuration error (4.3.5).
        const char* code = r.key.empty() ? "451 4.3.0 " : "451 4.3.5 ";
        return {AccessAction::TempFail, code + who + (r.key.empty() ? "Temporary lookup failure" : "Server configuration error")};
    }
    if (r.status == maps::LookupStatus::NotFound) return {};
    switch (r.action) {
        case maps::AccessAction::Ok: return {AccessAction::Ok, {}};
        case maps::AccessAction::Relay: return {AccessAction::Relay, {}};
        case maps::AccessAction::Dunno: return {};
        case maps::AccessAction::Reject:
        case maps::AccessAction::Defer:
        case maps::AccessAction::Reply: {
            // r.reply is "550 5.7.1 text": keep the codes, put the subject in front of the text.
            std::string_view reply = r.reply;
            std::size_t codes = reply.find(' ', 4);
            std::string head(reply.substr(0, codes));
            std::string text(codes == std::string_view::npos ? "Access denied" : reply.substr(codes + 1));
            return {AccessAction::Reject, head + " " + who + std::string(what) + " rejected: " + text};
        }
        case maps::AccessAction::Hold:
        case maps::AccessAction::Discard: break;
    }
    log::warn("%saccess table key %s: HOLD and DISCARD are not supported by smtpd", who.c_str(), r.key.c_str());
    return {AccessAction::TempFail, "451 4.3.5 " + who + "Server configuration error"};
}

class MapTables final : public AccessTable {
public:
    explicit MapTables(const config::Config& cfg) {
        maps::MapOptions opts = maps::options_from(cfg);
        client_ = maps::MapList::open("smtpd_client_access", cfg.get(p::smtpd_client_access), opts);
        helo_ = maps::MapList::open("smtpd_helo_access", cfg.get(p::smtpd_helo_access), opts);
        sender_ = maps::MapList::open("smtpd_sender_access", cfg.get(p::smtpd_sender_access), opts);
        recipient_ = maps::MapList::open("smtpd_recipient_access", cfg.get(p::smtpd_recipient_access), opts);
        virtual_ = maps::MapList::open("virtual_alias_maps", cfg.get(p::virtual_alias_maps), opts);
        delimiters_ = cfg.get(p::recipient_delimiter);
        search_.delimiters = delimiters_;
        std::vector<std::string> local;
        for (const auto& d : cfg.get(p::mydestination)) local.push_back(resolve::normalize_domain(d));
        search_.is_local = [local](std::string_view domain) { return resolve::is_local_domain(domain, local); };
        open_aliases(cfg, opts);
    }

    AccessVerdict client(std::string_view addr, std::string_view name) const override {
        std::string subject = std::string(name) + "[" + std::string(addr) + "]";
        if (!name.empty() && name != "unknown") {
            AccessVerdict v = verdict_of(maps::access_host_name(client_, name), subject, "Client host");
            if (v.action != AccessAction::Dunno) return v;
        }
        return verdict_of(maps::access_client_address(client_, addr), subject, "Client host");
    }
    AccessVerdict helo(std::string_view helo) const override {
        if (helo.empty()) return {};
        return verdict_of(maps::access_host_name(helo_, helo), helo, "Helo command");
    }
    AccessVerdict sender(std::string_view address) const override {
        if (address.empty()) return verdict_of(maps::access_exact(sender_, "<>"), "", "Sender address");
        return verdict_of(maps::access_address(sender_, address, delimiters_), address, "Sender address");
    }
    AccessVerdict recipient(std::string_view address) const override {
        return verdict_of(maps::access_address(recipient_, address, delimiters_), address, "Recipient address");
    }

    maps::Lookup virtual_alias(std::string_view address) const override {
        if (virtual_.empty()) return maps::Lookup::not_found();
        return maps::search_address(virtual_, address, search_).result;
    }

    resolve::AliasOpener alias_opener() const override {
        return [this](const std::string& spec) -> Result<resolve::AliasLookup> {
            auto it = aliases_.find(spec);
            if (it != aliases_.end()) return it->second;
            return make_error(spec + ": not opened at start-up (restart smtpd after changing alias_maps)");
        };
    }

private:
    // Every alias table of a type src/lib cannot read, opened once, now.
    // A failed open is kept as a lookup that fails, so mail for it defers.
    void open_aliases(const config::Config& cfg, const maps::MapOptions& opts) {
        resolve::AliasOpener open = maps::alias_opener(opts);
        for (const std::string& spec : cfg.get(p::alias_maps)) {
            if (spec.rfind("texthash:", 0) == 0 || aliases_.count(spec)) continue;
            auto lookup = open(spec);
            if (lookup) {
                aliases_.emplace(spec, std::move(*lookup));
                continue;
            }
            log::warn("alias_maps: %s", lookup.error().message.c_str());
            std::string why = lookup.error().message;
            aliases_.emplace(spec, [why](std::string_view) -> Result<std::optional<std::string>> { return make_error(why); });
        }
    }

    mutable maps::MapList client_, helo_, sender_, recipient_, virtual_;
    std::string delimiters_;
    maps::SearchOptions search_;
    std::map<std::string, resolve::AliasLookup> aliases_;
};

}  // namespace

AccessVerdict AccessTable::client(std::string_view, std::string_view) const { return {}; }
AccessVerdict AccessTable::helo(std::string_view) const { return {}; }
AccessVerdict AccessTable::sender(std::string_view) const { return {}; }
AccessVerdict AccessTable::recipient(std::string_view) const { return {}; }
maps::Lookup AccessTable::virtual_alias(std::string_view) const { return maps::Lookup::not_found(); }
resolve::AliasOpener AccessTable::alias_opener() const { return {}; }

std::unique_ptr<AccessTable> open_access_table(const config::Config& cfg) { return std::make_unique<MapTables>(cfg); }

}  // namespace postern::smtpd
