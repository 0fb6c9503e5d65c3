// Selective flushing of the deferred queue by destination domain (smtpd's
// ETRN, RFC 1985): every deferred message with a pending recipient in the
// domain (or, asked for, its subdomains) gets its next attempt time set to
// now (make_due); the caller then sends qmgr the 'D' trigger. Files that
// cannot be read are skipped (qmgr deals with them); a queue that cannot
// be listed, or a file that cannot be touched, is an error.
#pragma once

#include <cstddef>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::queue {

// The domain part of address equals domain (case-insensitive), or is a
// subdomain of it when subdomains is set.
bool address_in_domain(std::string_view address, std::string_view domain, bool subdomains);
bool pending_for_domain(const Envelope& env, std::string_view domain, bool subdomains);

// How many deferred messages were made due.
Result<std::size_t> make_domain_due(const QueueDir& q, std::string_view domain, bool subdomains);

}  // namespace postern::queue
