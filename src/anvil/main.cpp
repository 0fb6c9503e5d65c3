// anvil: the per-client connection table every smtpd process shares
// (Postfix's anvil(8)). Trust and privilege:
//  - started by master with private/anvil on fd 3; runs as $mail_owner,
//    opens no files after start-up, and keeps only counters in memory.
//  - only postern processes can connect (private/); a request that does
//    not parse ends that connection. What smtpd tells it is counted, never
//    executed; each smtpd can give back only the sessions it was admitted for.
#include <utility>  // before Asio

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "anvil_server.hpp"
#include "lib/base/log.hpp"
#include "lib/server/asio_stop.hpp"
#include "lib/server/service.hpp"

int main(int argc, char** argv) {
    namespace p = postern::config::params;
    auto ctx = postern::server::init_daemon("anvil", argc, argv);
    postern::server::ClientLimiter limiter(static_cast<std::size_t>(ctx.cfg.get(p::smtpd_client_connection_count_limit)),
                                           static_cast<std::size_t>(ctx.cfg.get(p::smtpd_client_connection_rate_limit)),
                                           ctx.cfg.get(p::anvil_rate_time_unit));
    postern::anvil::AnvilTable table(std::move(limiter));
    postern::server::drop_privileges(ctx);
    boost::asio::io_context io(1);
    postern::anvil::Server server(io, table, ctx.listen_fd);
    if (auto st = server.start(); !st) postern::log::fatal("%s", st.error().message.c_str());
    boost::asio::co_spawn(io, postern::server::stop_on_request(io), boost::asio::detached);
    io.run();
    return 0;
}
