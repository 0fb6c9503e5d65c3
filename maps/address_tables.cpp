// canonical, virtual and relocated.
#include "maps/address_tables.hpp"

#include <set>

#include "lib/base/strings.hpp"

namespace postern::maps {
namespace {

struct Expander {
    MapList& maps;
    const SearchOptions& opts;
    const VirtualLimits& limits;
    Expansion out;
    std::set<std::string> seen;

    // false stops the whole expansion (out.status says why).
    bool expand(const std::string& address, int depth) {
        if (depth > limits.recursion) {
            return fail(Expansion::Status::LimitExceeded,
                        "virtual_alias_recursion_limit (" + std::to_string(limits.recursion) +
                            ") exceeded expanding " + address);
        }
        AddressMatch m = search_address(maps, address, opts);
        if (m.result.is_temp_fail()) return fail(Expansion::Status::TempFail, m.result.error());
        if (m.result.is_not_found()) return add(address);
        for (const std::string& target : split_list(m.result.value(), ", \t\r\n")) {
            std::string next = apply_result(target, m, opts);
            if (iequals(next, address)) {
                if (!add(next)) return false;
            } else if (!expand(next, depth + 1)) {
                return false;
            }
        }
        if (out.status == Expansion::Status::Unchanged) out.status = Expansion::Status::Expanded;
        return true;
    }

    bool add(const std::string& address) {
        if (!seen.insert(lowercase(address)).second) return true;
        if (out.addresses.size() >= static_cast<std::size_t>(limits.expansion)) {
            return fail(Expansion::Status::LimitExceeded,
                        "virtual_alias_expansion_limit (" + std::to_string(limits.expansion) + ") exceeded");
        }
        out.addresses.push_back(address);
        return true;
    }

    bool fail(Expansion::Status s, std::string why) {
        out.status = s;
        out.error = std::move(why);
        out.addresses.clear();
        return false;
    }
};

}  // namespace

Rewrite canonical_rewrite(MapList& maps, std::string_view address, const SearchOptions& opts) {
    AddressMatch m = search_address(maps, address, opts);
    if (m.result.is_temp_fail()) return Rewrite{LookupStatus::TempFail, std::string(address), m.result.error()};
    if (m.result.is_not_found()) return Rewrite{LookupStatus::NotFound, std::string(address), {}};
    return Rewrite{LookupStatus::Found, apply_result(m.result.value(), m, opts), {}};
}

Expansion virtual_expand(MapList& maps, std::string_view address, const SearchOptions& opts,
                         const VirtualLimits& limits) {
    Expander e{maps, opts, limits, {}, {}};
    std::string start(address);
    e.expand(start, 0);
    if (e.out.status == Expansion::Status::Unchanged) e.out.addresses = {start};
    return e.out;
}

Relocation relocated_lookup(MapList& maps, std::string_view address, const SearchOptions& opts) {
    SearchOptions o = opts;
    o.propagate_extension = false;
    AddressMatch m = search_address(maps, address, o);
    if (m.result.is_temp_fail()) return Relocation{LookupStatus::TempFail, {}, m.result.error()};
    if (m.result.is_not_found()) return Relocation{};
    return Relocation{LookupStatus::Found, "550 5.1.6 User has moved to " + std::string(trim(m.result.value())), {}};
}

}  // namespace postern::maps
