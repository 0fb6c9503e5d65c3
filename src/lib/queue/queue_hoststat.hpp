// The dead-destination cache on disk: $queue_directory/hoststat.
//
// qmgr declares a destination dead when its deliveries keep failing at
// connection level (qmgr_schedule.hpp has the rule) and then defers the
// destination's mail without handing it to a delivery agent until the
// entry's retry time. It writes the whole set of entries to this file
// (write_file_atomic, mode 0644) each time the set changes, and reads it at
// start-up and on the 'H' trigger, so a restart does not forget a down site
// and `sendmail -bh` / `postern-queue hoststat` can show it.
//
// One line per entry, tab-separated:
//   transport  destination  failed_at  retry_at  reason
// (times in seconds since the epoch; tabs and line breaks in fields become
// spaces). Lines that do not parse are skipped: the file is advisory, and a
// lost entry only costs one more connection attempt.
#pragma once

#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/queue/queue_dir.hpp"

namespace postern::queue {

inline constexpr std::string_view kHostStatusFile = "hoststat";
// 'H': the host status file changed behind qmgr's back (purged); reload it.
inline constexpr char kTriggerHostStatus = 'H';
inline constexpr std::size_t kMaxHostStatusFile = 1 << 20;

struct HostStatus {
    std::string transport;
    std::string destination;
    std::time_t failed_at = 0;
    std::time_t retry_at = 0;
    std::string reason;  // the delivery agent's last word, e.g. "4.4.1 connect to ...: Connection refused"
};

std::string host_status_path(const QueueDir& q);
std::string format_host_status(const std::vector<HostStatus>& entries);
std::vector<HostStatus> parse_host_status(std::string_view text);

// A missing file is an empty cache; other read errors are returned.
Result<std::vector<HostStatus>> read_host_status(const QueueDir& q);
// An empty set removes the file.
Status write_host_status(const QueueDir& q, const std::vector<HostStatus>& entries);
// Remove the file (missing is fine).
Status purge_host_status(const QueueDir& q);
// Remove the entries for one destination domain (and its subdomains when
// asked), whatever the transport (ETRN: the site says it is up); the
// caller sends 'H' so qmgr rereads the file. Returns how many went.
Result<std::size_t> forget_host_status(const QueueDir& q, std::string_view domain, bool subdomains);

// sendmail hoststat layout: a header line, then per entry the host (with
// "transport:" unless smtp), how long ago it failed, and the result
// ("Deferred: reason", plus the retry time). "No host status" when empty.
std::string render_host_status(const std::vector<HostStatus>& entries, std::time_t now);

// The two administrator commands (sendmail -bh/-bH, postern-queue
// hoststat/purgestat), returning a sysexits code: EX_NOPERM or EX_IOERR
// after one line on stderr "program: reason". purge also sends the 'H'
// trigger; a qmgr that is not running reads the file when it starts.
int print_host_status(const QueueDir& q, const std::string& program, std::FILE* out);
int purge_host_status_command(const QueueDir& q, const std::string& program);

}  // namespace postern::queue
