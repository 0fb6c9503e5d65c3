// Envelope attribute lookup (see the header).
#include "lib/dsn/dsn_attrs.hpp"

namespace postern::dsn {

std::string envelope_attr(const queue::Envelope& env, std::string_view name) {
    for (const auto& [n, v] : env.attrs)
        if (n == name) return v;
    return {};
}

}  // namespace postern::dsn
