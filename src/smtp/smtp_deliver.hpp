// One connection from qmgr: one DeliverRequest in, one DeliverReply out.
//
// The request is untrusted: the queue file path must stay inside
// $queue_directory, the file is opened read-only without following
// symlinks and parsed by the bounded queue reader; smtp never writes it.
// The next hop is resolved (smtp_dns), then each server address is tried
// in order (at most $smtp_mx_address_limit) with the recipients the
// previous servers left open, until none is left:
//   lookup NXDOMAIN / no address      -> 5.1.2 bounce (4.4.3 defer on timeout)
//   null MX                           -> 5.1.10 bounce
//   every server unusable             -> 4.4.1 defer with the last error
//                                        (5.x.x bounce if it said 5xx at greeting)
//
// Connection reuse: before the lookup, an idle session cached for the same
// next hop and TLS level is tried (from MAIL FROM on, logged as "reusing
// connection to HOST[ADDR]:PORT (conn_use=N)"); one found dead is dropped
// and the request goes on with a fresh lookup and connection, as if there
// had been no cache. After a transaction that ended in step, the reply goes
// to qmgr first, then the session gets RSET and, on 250, is cached.
#pragma once

#include <string>
#include <vector>

#include "lib/base/unique_fd.hpp"
#include "lib/ipc/messages.hpp"
#include "smtp_conn_cache.hpp"
#include "smtp_session.hpp"
#include "smtp_settings.hpp"

namespace postern::smtp {

// The idle sessions one smtp process keeps; closing one sends QUIT.
using SessionCache = IdleCache<OpenSession>;
SessionCache make_session_cache(const Settings& settings);

void handle_connection(const Settings& settings, SessionCache& cache, UniqueFd conn);

// Where to connect for a next hop, in order; or the results that end the
// delivery of every recipient at once (lookup failure).
struct Targets {
    std::vector<ServerTarget> servers;
    ipc::RecipientResult::Status failure = ipc::RecipientResult::Status::Deferred;
    std::string dsn;
    std::string reason;
};
Targets find_targets(const Settings& settings, const std::string& nexthop);

}  // namespace postern::smtp
