// For event-driven services (smtpd, anvil): stop the io_context once a
// SIGTERM arrived. The signal handler only sets a flag (async-signal-safe),
// so the flag is polled; a stop takes at most half a second.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

namespace postern::server {

// co_spawn this once; it logs "stopping" and calls io.stop().
boost::asio::awaitable<void> stop_on_request(boost::asio::io_context& io);

}  // namespace postern::server
