// Running one delivery as its recipient.
//
// In a system instance local runs as root and never drops privileges for
// good: each delivery runs in a forked child that becomes the target's user
// (postern::become) before it opens any file of theirs, and reports its
// Outcome to the parent through a pipe as a small encoded attribute list.
// The parent waits at most $daemon_timeout, then kills the child; a child
// that crashes, is killed or reports garbage yields a deferral. A recipient
// with uid 0 is delivered as root (root's own mailbox).
// When not privileged (user instance, or not started as root) the delivery
// runs in-process with the same interface.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>

#include "lib/base/identity.hpp"
#include "local_status.hpp"

namespace postern::local {

struct RunAs {
    Identity user;
    // Exactly these supplementary groups (empty: none; see local_mailbox.hpp),
    // or nullopt: the user's own groups (initgroups), for commands and files.
    std::optional<std::vector<gid_t>> groups;
};

// Run fn as who (in a child) when privileged, else in this process.
Outcome run_delivery(bool privileged, const RunAs& who, std::chrono::milliseconds timeout,
                     const std::function<Outcome()>& fn);

// Read what a child writes on fd until EOF: at most max_bytes, by timeout.
Result<std::string> read_child_report(int fd, std::size_t max_bytes, std::chrono::milliseconds timeout);

// The child's report on the pipe, exposed for tests.
std::string encode_outcome(const Outcome& o);
Result<Outcome> decode_outcome(std::string_view payload);

}  // namespace postern::local
