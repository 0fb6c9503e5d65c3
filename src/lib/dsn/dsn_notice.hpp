// What a delivery status notification about a queued message starts from,
// shared by qmgr's bounces and local's notices to a list owner: the
// report's fields that come from the envelope, and the returned copy of the
// original (its header block only for RET=HDRS, notices about notices and
// delay notices; else the content cut at a size limit).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>

#include "lib/dsn/dsn_report.hpp"
#include "lib/ipc/cleanup_submit.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::dsn {

// A report about the message env (queue ID queue_id) from reporting_mta at
// now: sender, ENVID, arrival, and headers_only for RET=HDRS. The caller
// adds the recipients, whom it goes to, and the original.
Report report_about(const queue::Envelope& env, const std::string& queue_id, const std::string& reporting_mta,
                    std::time_t now);

// Read from the queue file fd (envelope env). truncated tells whether the
// content was cut at limit. A read error returns what was read so far: a
// notice with a partial copy beats no notice.
std::string returned_original(int fd, const queue::Envelope& env, bool headers_only, std::uint64_t limit,
                              bool& truncated);

// Queue the finished report as a new message from the null sender to
// report.to, through cleanup, with origin ("bounce", "double-bounce").
ipc::CleanupResult submit_notice(const ipc::CleanupEndpoint& cleanup, const std::string& origin, const Report& report);

}  // namespace postern::dsn
