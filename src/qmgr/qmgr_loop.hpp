// qmgr's main loop: waits for a trigger on the listening socket (cleanup
// connects to public/qmgr and writes a byte per new message) or a finished
// delivery (the worker pool's wake-up fd), and runs the scans on their
// timers. On SIGTERM it stops starting deliveries, waits a bounded time for
// those in flight, and returns, leaving every file where it is.
#pragma once

#include "lib/server/service.hpp"
#include "qmgr_manager.hpp"

namespace postern::qmgr {

int run_loop(const server::Context& ctx, Manager& manager);

}  // namespace postern::qmgr
