// Picking up one maildrop file. The file was written by postdrop on behalf
// of any local user, so it is opened without following symlinks, must be a
// regular file with one link, and is parsed with the bounded queue reader.
// The submitter is the file's owner. The file is removed only after cleanup
// answered ok; a file that cannot be parsed, is not a regular file, or that
// cleanup refused for good is moved to corrupt/ with the reason logged
// (never deleted: bounces for refused local mail come later).
#pragma once

#include <string>

#include "lib/queue/queue_dir.hpp"
#include "pickup_settings.hpp"

namespace postern::pickup {

enum class Outcome {
    Queued,    // cleanup has it; maildrop file removed
    Gone,      // vanished before we opened it
    Corrupt,   // moved to corrupt/
    Skipped,   // kept: trouble with this file only (e.g. cannot move it)
    Deferred,  // kept: cleanup unavailable or temporarily failing; stop this scan
};

Outcome pickup_file(queue::QueueDir& q, const std::string& id, const Settings& s);

}  // namespace postern::pickup
