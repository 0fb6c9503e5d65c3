// -t recipient extraction over the parsed header.
#include "cleanup_extract.hpp"

#include <algorithm>
#include <array>

#include "lib/base/strings.hpp"

namespace postern::cleanup {
namespace {

constexpr std::array<std::string_view, 3> kPlain = {"To", "Cc", "Bcc"};
constexpr std::array<std::string_view, 3> kResent = {"Resent-To", "Resent-Cc", "Resent-Bcc"};

bool any_name(std::string_view name, const std::array<std::string_view, 3>& names) {
    return std::any_of(names.begin(), names.end(), [&](auto n) { return iequals(n, name); });
}

void take(const Header& h, const address::ListLimits& limits, Extracted& out) {
    auto list = address::parse_address_list(h.value(), limits);
    if (!list) {
        out.rejected.push_back(h.name + ": " + list.error().message);
        return;
    }
    for (auto& bad : list->rejected)
        if (out.rejected.size() < limits.max_rejected) out.rejected.push_back(std::move(bad));
    for (const auto& a : list->addresses) {
        if (out.recipients.size() >= limits.max_addresses) {
            out.truncated = true;
            return;
        }
        out.recipients.push_back(a.spec());
    }
    out.truncated = out.truncated || list->truncated;
}

}  // namespace

Extracted extract_recipients(const Headers& headers, const address::ListLimits& limits) {
    bool resent = std::any_of(headers.begin(), headers.end(), [](const Header& h) { return is_resent_header(h.name); });
    const auto& names = resent ? kResent : kPlain;
    Extracted out;
    for (const auto& h : headers) {
        if (out.truncated) break;
        if (any_name(h.name, names)) take(h, limits, out);
    }
    return out;
}

}  // namespace postern::cleanup
