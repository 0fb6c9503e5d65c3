// -t recipient extraction over (name, value) header fields.
#include "lib/address/address_extract.hpp"

#include <algorithm>
#include <array>

#include "lib/base/strings.hpp"

namespace postern::address {
namespace {

constexpr std::array<std::string_view, 3> kPlain = {"To", "Cc", "Bcc"};
constexpr std::array<std::string_view, 3> kResent = {"Resent-To", "Resent-Cc", "Resent-Bcc"};

bool any_name(std::string_view name, const std::array<std::string_view, 3>& names) {
    return std::any_of(names.begin(), names.end(), [&](auto n) { return iequals(n, name); });
}

}  // namespace

bool is_resent_header_name(std::string_view name) { return name.size() > 7 && iequals(name.substr(0, 7), "Resent-"); }

AddressList header_recipients(const HeaderFields& fields, const ListLimits& limits) {
    bool resent = std::any_of(fields.begin(), fields.end(), [](const auto& f) { return is_resent_header_name(f.first); });
    const auto& names = resent ? kResent : kPlain;
    AddressList out;
    for (const auto& [name, value] : fields) {
        if (out.truncated) break;
        if (!any_name(name, names)) continue;
        auto list = parse_address_list(value, limits);
        if (!list) {
            if (out.rejected.size() < limits.max_rejected) out.rejected.push_back(name + ": " + list.error().message);
            continue;
        }
        for (auto& bad : list->rejected)
            if (out.rejected.size() < limits.max_rejected) out.rejected.push_back(std::move(bad));
        for (auto& a : list->addresses) {
            if (out.addresses.size() >= limits.max_addresses) {
                out.truncated = true;
                break;
            }
            out.addresses.push_back(std::move(a));
        }
        out.truncated = out.truncated || list->truncated;
    }
    return out;
}

}  // namespace postern::address
