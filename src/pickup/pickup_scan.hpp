// One pass over maildrop/: remove stale temporary files left by crashed
// postdrops, then pick up every file in arrival order. A temporary failure
// of cleanup ends the pass (the rest waits for the next trigger or timer);
// a problem with one file only affects that file.
#pragma once

#include <cstddef>

#include "lib/queue/queue_dir.hpp"
#include "pickup_settings.hpp"

namespace postern::pickup {

struct ScanStats {
    std::size_t queued = 0;
    std::size_t corrupt = 0;
    std::size_t kept = 0;
    bool deferred = false;  // the pass stopped early on a temporary failure
};

ScanStats scan_maildrop(queue::QueueDir& q, const Settings& s);

}  // namespace postern::pickup
