// ETRN (RFC 1985): a client asks that mail queued for a domain be sent now.
//
//   ETRN domain     deferred mail with a pending recipient in domain
//   ETRN @domain    ... in domain or any subdomain of it
//   ETRN #queue     named queues do not exist here: 459
//
// Only domains listed in $relay_domains may be flushed (the mail held for
// a backup-MX or dial-up customer); anything else gets 459, as Postfix's
// fast_flush_domains check does. The flush is `sendmail -qR` narrowed to
// the domain: the matching deferred files become due (their mtime is the
// next attempt time), the domain's entries leave the dead-destination
// cache (the site says it is up: trigger 'H'), and 'D' asks qmgr for a
// deferred scan. Replies:
//   250 2.0.0 Queuing for node <domain> started
//   251 2.0.0 OK, no messages waiting for node <domain>
//   458 4.3.0 Unable to queue messages for node <domain>   (queue or qmgr unreachable)
//   459 4.7.1 Node <domain> not allowed: ...
//   501 5.5.4 Syntax: ETRN domain
//   503 5.5.1 Error: MAIL transaction in progress
#pragma once

#include <string>
#include <string_view>

#include "lib/base/result.hpp"

namespace postern::smtpd {

struct EtrnRequest {
    std::string domain;       // normalized
    bool subdomains = false;  // "@domain"
    bool queue_name = false;  // "#name"
};

// Error: the 501 reply text.
Result<EtrnRequest> parse_etrn(std::string_view args);

}  // namespace postern::smtpd
