// RFC 5321 mailbox checks for smtpd (MAIL FROM / RCPT TO) and any program
// that takes an envelope address from outside: the X3 grammar decides the
// syntax; this file adds what a grammar says badly (sizes, literal contents)
// and normalizes the quoting.
#include <arpa/inet.h>

#include "lib/address/address.hpp"
#include "lib/address/address_grammar.hpp"

namespace postern::address {
namespace {

constexpr std::size_t kMaxLocal = 64;     // RFC 5321 4.5.3.1.1
constexpr std::size_t kMaxDomain = 255;   // 4.5.3.1.2
constexpr std::size_t kMaxMailbox = 254;  // path 256 minus "<" ">"
constexpr std::size_t kMaxLabel = 63;     // RFC 1035

std::string unquote(std::string_view q) {
    std::string out;
    for (std::size_t i = 1; i + 1 < q.size(); ++i) {
        if (q[i] == '\\') ++i;
        out += q[i];
    }
    return out;
}

bool valid_literal(std::string_view lit) {
    std::string inner(lit.substr(1, lit.size() - 2));
    unsigned char buf[16];
    if (inner.rfind("IPv6:", 0) == 0) return inet_pton(AF_INET6, inner.c_str() + 5, buf) == 1;
    if (inner.find(':') == std::string::npos) return inet_pton(AF_INET, inner.c_str(), buf) == 1;
    return false;  // General-address-literal: no standardized tag besides IPv6 exists
}

bool valid_labels(std::string_view domain) {
    std::size_t start = 0;
    while (start <= domain.size()) {
        std::size_t dot = domain.find('.', start);
        if (dot == std::string_view::npos) dot = domain.size();
        if (dot - start > kMaxLabel) return false;
        start = dot + 1;
    }
    return true;
}

Error bad(std::string_view why, std::string_view text) {
    return make_error(std::string(why) + ": " + std::string(text.substr(0, 300)));
}

}  // namespace

Result<std::string> check_smtp_mailbox(std::string_view text, const SmtpOptions& options) {
    if (text.size() > 4 * kMaxMailbox) return bad("address too long", text);
    auto parts = detail::parse_rfc5321_mailbox(text, options.allow_utf8);
    if (!parts) return bad("bad address syntax", text);
    if (parts->domain.empty() && options.require_domain) return bad("domain name required", text);
    std::string local = parts->local.front() == '"' ? quote_local_part(unquote(parts->local)) : parts->local;
    if (local.size() > kMaxLocal) return bad("local part too long", text);
    const std::string& domain = parts->domain;
    if (domain.size() > kMaxDomain) return bad("domain too long", text);
    if (!domain.empty() && domain.front() == '[' ? !valid_literal(domain) : !valid_labels(domain))
        return bad("bad domain", text);
    std::string out = domain.empty() ? local : local + '@' + domain;
    if (out.size() > kMaxMailbox) return bad("address too long", text);
    return out;
}

}  // namespace postern::address
