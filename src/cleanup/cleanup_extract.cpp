// -t recipient extraction over the parsed header: the rule itself is
// address::header_recipients, shared with sendmail.
#include "cleanup_extract.hpp"

#include "lib/address/address_extract.hpp"

namespace postern::cleanup {

Extracted extract_recipients(const Headers& headers, const address::ListLimits& limits) {
    address::HeaderFields fields;
    fields.reserve(headers.size());
    for (const auto& h : headers) fields.emplace_back(h.name, std::string(h.value()));
    address::AddressList list = address::header_recipients(fields, limits);
    Extracted out;
    for (const auto& a : list.addresses) out.recipients.push_back(a.spec());
    out.rejected = std::move(list.rejected);
    out.truncated = list.truncated;
    return out;
}

}  // namespace postern::cleanup
