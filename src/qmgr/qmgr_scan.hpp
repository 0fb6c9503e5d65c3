// Queue scans for qmgr: which files in incoming/ and deferred/ are ready to
// be activated. Listing only; the moves are the Manager's (qmgr_scan.cpp
// holds both, the Manager half being the activation of what is listed).
#pragma once

#include <ctime>
#include <string>
#include <vector>

#include "lib/queue/queue_dir.hpp"

namespace postern::qmgr {

// IDs in incoming/ in arrival order; a listing failure is logged, gives {}.
std::vector<std::string> list_incoming(const queue::QueueDir& queue);
// IDs in deferred/ whose mtime (next attempt time) is at or before now, in
// arrival order. Files that vanish meanwhile are skipped.
std::vector<std::string> list_due_deferred(const queue::QueueDir& queue, std::time_t now);

}  // namespace postern::qmgr
