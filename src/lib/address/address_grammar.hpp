// Internal to src/lib/address: the Spirit X3 grammars (address_grammar.cpp
// is the only file that includes Spirit, to keep compile time down). Both
// functions match the whole input or nothing; callers bound the input size
// and the comment nesting before calling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "lib/address/address.hpp"

namespace postern::address::detail {

// RFC 5322 mailbox (name-addr | addr-spec) with CFWS, obs-local-part dots
// tolerated, domain optional. Input must already be unfolded (no CR/LF).
std::optional<Address> parse_rfc5322_mailbox(std::string_view text);

// RFC 5321 Mailbox: Local-part ["@" (Domain | address-literal)]. Returns the
// local part and domain exactly as written (quotes kept, no brackets
// removed); semantic checks (literal contents, sizes) are the caller's.
struct SmtpParts {
    std::string local;
    std::string domain;  // empty when no "@"
};
std::optional<SmtpParts> parse_rfc5321_mailbox(std::string_view text, bool allow_utf8);

}  // namespace postern::address::detail
