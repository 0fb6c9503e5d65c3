// Polling the stop flag from an io_context (see the header).
#include "lib/server/asio_stop.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"

namespace postern::server {

boost::asio::awaitable<void> stop_on_request(boost::asio::io_context& io) {
    namespace asio = boost::asio;
    asio::steady_timer t(io);
    while (!stop_requested()) {
        t.expires_after(std::chrono::milliseconds(500));
        boost::system::error_code ec;
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    log::info("stopping");
    io.stop();
}

}  // namespace postern::server
