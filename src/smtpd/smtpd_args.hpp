// MAIL FROM / RCPT TO argument parsing: the path ("<" [route ":"] mailbox
// ">", or "<>" for the sender) and the ESMTP parameters of RFC 1870 (SIZE),
// 6152 (BODY), 3461 (RET, ENVID, NOTIFY, ORCPT) and 6531 (SMTPUTF8).
// Pure functions; a failure is the complete reply line to send
// ("501 5.1.7 Bad sender address syntax"). A source route is accepted and
// ignored, as RFC 5321 section 3.3 asks; the mailbox itself goes through
// the shared RFC 5321 grammar (address::check_smtp_mailbox).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/base/result.hpp"

namespace postern::smtpd {

struct MailArgs {
    std::string sender;       // "" = null sender
    std::uint64_t size = 0;   // SIZE=, 0 when absent
    std::string body;         // "7BIT", "8BITMIME" or ""
    std::string ret;          // "FULL", "HDRS" or ""
    std::string envid;        // decoded from xtext
    bool smtputf8 = false;
};

struct RcptArgs {
    std::string recipient;
    std::string notify;       // "NEVER" or a list of SUCCESS,FAILURE,DELAY; "" when absent
    std::string orcpt;        // "rfc822;address", the address decoded from xtext
};

// text: everything after "MAIL" / "RCPT" (e.g. " FROM:<a@b> SIZE=10").
Result<MailArgs> parse_mail(std::string_view text, std::uint64_t size_limit);
Result<RcptArgs> parse_rcpt(std::string_view text, bool smtputf8);

// RFC 3461 xtext: printable ASCII except "+" and "=", or "+HH".
bool valid_xtext(std::string_view s);
std::string decode_xtext(std::string_view s);  // s must be valid_xtext

}  // namespace postern::smtpd
