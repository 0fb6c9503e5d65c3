// What the administrator tools need besides the queue files themselves:
//
//  - the defer log: defer/ID holds, for a deferred message, one line per
//    recipient still pending, "address<TAB>reason" (the last delivery
//    attempt's result). qmgr writes it (atomically) when it defers a
//    message and removes it with the message; mailq and postern-queue
//    show it. It is advisory: a missing or damaged log shows no reason.
//  - qmgr triggers (one byte on public/qmgr): 'W' new mail (cleanup),
//    'D' scan deferred/ for due files now, 'F' flush: every deferred file
//    is due now whatever its next attempt time, and dead destinations are
//    revived (sendmail -q); 'H' (queue_hoststat.hpp) reread the host
//    status file.
//  - make_due(): set a deferred file's next attempt time (its mtime) to
//    now, so the next deferred scan picks it up (sendmail -qR/-qS/-qI,
//    postern-queue release).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/queue/queue_dir.hpp"

namespace postern::queue {

inline constexpr std::string_view kDeferLog = "defer";
inline constexpr char kTriggerNewMail = 'W';
inline constexpr char kTriggerScanDeferred = 'D';
inline constexpr char kTriggerFlush = 'F';
inline constexpr std::size_t kMaxDeferLog = 1 << 20;

// s with tabs and line breaks made spaces: one field of a tab-separated line.
std::string one_field(std::string_view s);

// address -> reason; written with write_file_atomic (mode 0600).
Status write_defer_log(const QueueDir& q, std::string_view id, const std::map<std::string, std::string>& reasons);
std::map<std::string, std::string> read_defer_log(const QueueDir& q, std::string_view id);
void remove_defer_log(const QueueDir& q, std::string_view id);

Status make_due(const QueueDir& q, std::string_view sub, std::string_view id);
// $queue_directory/public/qmgr
std::string qmgr_trigger_path(const QueueDir& q);

}  // namespace postern::queue
