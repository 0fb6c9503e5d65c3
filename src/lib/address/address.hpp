// Mail addresses: RFC 5322 address lists as they appear in To:/Cc:/Bcc:
// headers, and RFC 5321 mailboxes as they appear in MAIL FROM/RCPT TO.
//
// parse_address_list() turns a header value (folded or not) into addr-specs.
// It is tolerant of the breakage real mailers produce (unquoted dots in the
// local part, empty list elements, trailing commas, a group without its
// ";") but never turns garbage into an address: an element that is not a
// mailbox is reported in `rejected` and skipped. Input is bounded
// (ListLimits), and comment nesting is bounded so hostile input cannot
// exhaust the stack.
//
// Addresses come back in external form: "local@domain", the local part
// quoted only when it is not a dot-atom ("john doe"@x, but john.doe@x for
// "john.doe"@x). An address without "@" (To: root) has an empty domain; the
// caller qualifies it. Used by cleanup (-t, Bcc), later smtpd and local.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::address {

struct Address {
    std::string display_name;  // decoded phrase ("John Q. Public"), may be empty
    std::string local;         // local part, unquoted and unescaped
    std::string domain;        // domain or "[literal]"; empty when unqualified
    // local@domain (or just local), the local part re-quoted when needed.
    std::string spec() const;
};

struct ListLimits {
    std::size_t max_input = 1u << 20;   // bytes of header value (cleanup: header_size_limit)
    std::size_t max_addresses = 10000;  // stop (truncated) after this many
    std::size_t max_comment_depth = 16; // deeper nesting rejects the element
    std::size_t max_rejected = 16;      // rejected elements kept for logging
};

struct AddressList {
    std::vector<Address> addresses;
    std::vector<std::string> rejected;  // elements that were not mailboxes (bounded, for logs)
    bool truncated = false;             // more than max_addresses; the rest ignored
};

// Error only when the value exceeds limits.max_input.
Result<AddressList> parse_address_list(std::string_view value, const ListLimits& limits = {});

// One RFC 5322 mailbox (name-addr or addr-spec, comments allowed), the
// whole text. Error "malformed address: TEXT".
Result<Address> parse_mailbox(std::string_view text);

struct SmtpOptions {
    bool allow_utf8 = false;    // RFC 6531 SMTPUTF8: bytes >= 0x80 in local part and domain
    bool require_domain = true; // RFC 5321 requires "@domain"; false accepts "postmaster"
};

// Validate an RFC 5321 Mailbox (the text between "<" and ">", without a
// source route) and return it normalized (quotes dropped when needless).
// Enforces the RFC 5321 sizes: local part 64, domain 255, whole 254 octets.
Result<std::string> check_smtp_mailbox(std::string_view text, const SmtpOptions& options = {});

// Helpers shared with the grammar and callers.
bool is_dot_atom(std::string_view s);             // RFC 5322 dot-atom-text (ASCII, plus 8-bit)
std::string quote_local_part(std::string_view local);  // as-is or "..." with \ escapes

}  // namespace postern::address
