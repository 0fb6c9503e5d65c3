// Going into the background: fork, setsid, chdir /, stdio to /dev/null.
// The parent stays until the child says it is ready (pid file written) and
// exits 0, or exits 1 if the child dies first, so "postern-ctl start"
// returns only when the mail system runs.
#pragma once

#include "lib/base/unique_fd.hpp"

namespace postern::master {

// Returns in the child (the parent never returns): the fd to report_ready on.
UniqueFd detach();
void report_ready(UniqueFd& ready);

}  // namespace postern::master
