// canonical and virtual rewriting of the envelope and header (see the header).
#include "cleanup_rewrite.hpp"

#include <cctype>
#include <map>

#include "lib/address/address.hpp"
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"
#include "lib/resolve/resolve_route.hpp"

namespace postern::cleanup {
namespace {

namespace p = config::params;

constexpr std::string_view kSenderHeaders[] = {"From", "Sender", "Reply-To", "Resent-From", "Resent-Sender"};
constexpr std::string_view kRecipientHeaders[] = {"To", "Cc", "Resent-To", "Resent-Cc"};

bool propagates(const config::Config& cfg, std::string_view table) {
    for (const auto& t : cfg.get(p::propagate_unmatched_extensions))
        if (iequals(t, table)) return true;
    return false;
}

Error temp_failure(std::string_view why) { return make_error("4.3.0 " + log::printable(why, 400)); }

// One table list, one pass: the rewritten address, qualified.
Result<std::string> map11(Tables& t, maps::MapList& list, const std::string& address) {
    if (list.empty()) return address;
    maps::Rewrite r = maps::canonical_rewrite(list, address, t.canonical_search);
    if (r.status == maps::LookupStatus::TempFail) return temp_failure(r.error);
    return qualify(r.address, t.myorigin);
}

bool address_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 128 ||
           std::string_view("!#$%&'*+-/=?^_`{|}~.@\"").find(c) != std::string_view::npos;
}

std::optional<AddressRole> role_of(std::string_view name) {
    for (auto h : kSenderHeaders)
        if (iequals(h, name)) return AddressRole::Sender;
    for (auto h : kRecipientHeaders)
        if (iequals(h, name)) return AddressRole::Recipient;
    return std::nullopt;
}

Status rewrite_header(Tables& t, Header& h, AddressRole role, const address::ListLimits& limits) {
    auto list = address::parse_address_list(h.value(), limits);
    if (!list) return {};  // too long to parse: leave it as it is
    std::size_t from = h.name.size() + 1;  // after "Name:"
    for (const auto& a : list->addresses) {
        std::string old_spec = a.spec();
        auto fresh = canonicalize(t, old_spec, role);
        if (!fresh) return fresh.error();
        if (*fresh == old_spec || (a.domain.empty() && *fresh == qualify(old_spec, t.myorigin))) continue;
        if (!replace_address(h.raw, &from, old_spec, *fresh))
            log::warn("%s: cannot rewrite %s in place; left as it is", h.name.c_str(), log::printable(old_spec).c_str());
    }
    return {};
}

}  // namespace

std::shared_ptr<Tables> Tables::open(const config::Config& cfg, const std::string& myorigin) {
    auto t = std::make_shared<Tables>();
    maps::MapOptions opts = maps::options_from(cfg);
    t->sender_canonical = maps::MapList::open("sender_canonical_maps", cfg.get(p::sender_canonical_maps), opts);
    t->recipient_canonical =
        maps::MapList::open("recipient_canonical_maps", cfg.get(p::recipient_canonical_maps), opts);
    t->canonical = maps::MapList::open("canonical_maps", cfg.get(p::canonical_maps), opts);
    t->virtual_alias = maps::MapList::open("virtual_alias_maps", cfg.get(p::virtual_alias_maps), opts);
    std::vector<std::string> local;
    for (const auto& d : cfg.get(p::mydestination)) local.push_back(resolve::normalize_domain(d));
    maps::SearchOptions search;
    search.delimiters = cfg.get(p::recipient_delimiter);
    search.is_local = [local](std::string_view d) { return resolve::is_local_domain(d, local); };
    t->canonical_search = search;
    t->canonical_search.propagate_extension = propagates(cfg, "canonical");
    t->virtual_search = search;
    t->virtual_search.propagate_extension = propagates(cfg, "virtual");
    t->limits.recursion = static_cast<int>(cfg.get(p::virtual_alias_recursion_limit));
    t->limits.expansion = static_cast<int>(cfg.get(p::virtual_alias_expansion_limit));
    t->myorigin = myorigin;
    return t;
}

bool Tables::empty() const {
    return sender_canonical.empty() && recipient_canonical.empty() && canonical.empty() && virtual_alias.empty();
}

Result<std::string> canonicalize(Tables& t, std::string_view address, AddressRole role) {
    if (address.empty()) return std::string();
    auto first = map11(t, role == AddressRole::Sender ? t.sender_canonical : t.recipient_canonical, std::string(address));
    if (!first) return first;
    return map11(t, t.canonical, *first);
}

Result<std::vector<std::string>> expand_virtual(Tables& t, std::string_view address) {
    if (t.virtual_alias.empty()) return std::vector<std::string>{std::string(address)};
    maps::Expansion e = maps::virtual_expand(t.virtual_alias, address, t.virtual_search, t.limits);
    if (e.status == maps::Expansion::Status::TempFail || e.status == maps::Expansion::Status::LimitExceeded)
        return temp_failure(e.error);
    for (auto& a : e.addresses) a = qualify(a, t.myorigin);
    return e.addresses;
}

Status rewrite_envelope(Tables& t, Prepared& p, std::size_t recipient_limit) {
    if (t.empty()) return {};
    auto sender = canonicalize(t, p.sender, AddressRole::Sender);
    if (!sender) return sender.error();
    p.sender = std::move(*sender);
    RecipientList list(recipient_limit);
    std::map<std::string, std::pair<std::string, std::string>> dsn;
    for (const auto& r : p.recipients) {
        auto canonical = canonicalize(t, r, AddressRole::Recipient);
        if (!canonical) return canonical.error();
        auto expanded = expand_virtual(t, *canonical);
        if (!expanded) return expanded.error();
        auto given = p.dsn.find(r);
        for (auto& a : *expanded) {
            if (given != p.dsn.end()) dsn.emplace(a, given->second);
            list.add(std::move(a));
        }
    }
    if (list.overflow()) return make_error("5.5.3 too many recipients after virtual alias expansion");
    p.recipients = list.addresses();
    p.dsn = std::move(dsn);
    return {};
}

Status rewrite_headers(Tables& t, Headers& headers, std::size_t header_size_limit) {
    if (t.sender_canonical.empty() && t.recipient_canonical.empty() && t.canonical.empty()) return {};
    address::ListLimits limits;
    limits.max_input = header_size_limit;
    for (Header& h : headers) {
        auto role = role_of(h.name);
        if (role) POSTERN_TRY(rewrite_header(t, h, *role, limits));
    }
    return {};
}

bool replace_address(std::string& raw, std::size_t* from, std::string_view old_spec, std::string_view new_spec) {
    std::string hay = lowercase(raw);
    std::string needle = lowercase(old_spec);
    std::size_t at = hay.find("<" + needle + ">", *from);
    if (at != std::string::npos) {
        ++at;
    } else {
        // A bare address: not part of a longer word on either side.
        for (at = hay.find(needle, *from); at != std::string::npos; at = hay.find(needle, at + 1)) {
            bool left = at == 0 || !address_char(hay[at - 1]);
            std::size_t end = at + needle.size();
            bool right = end == hay.size() || !address_char(hay[end]);
            if (left && right) break;
        }
        if (at == std::string::npos) return false;
    }
    raw.replace(at, old_spec.size(), new_spec);
    *from = at + new_spec.size();
    return true;
}

}  // namespace postern::cleanup
