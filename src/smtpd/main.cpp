// smtpd: the SMTP server. Trust and privilege:
//  - started by master with the listening TCP socket on fd 3; runs as
//    $mail_owner (chrooted to $queue_directory when services.conf says so)
//    and never holds root: drop_privileges() comes before the first accept.
//  - talks to strangers: every command line, address and content byte is
//    bounded and checked; nothing the client says is trusted. Mail goes to
//    cleanup over private/cleanup; a 250 after DATA means cleanup reported
//    the queue file durable.

#include <utility>

#include <boost/asio/io_context.hpp>

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"
#include "smtpd_access.hpp"
#include "smtpd_server.hpp"
#include "smtpd_settings.hpp"

int main(int argc, char** argv) {
    namespace smtpd = postern::smtpd;
    auto ctx = postern::server::init_daemon("smtpd", argc, argv);
    auto settings = smtpd::settings_from(ctx.cfg, ctx.chroot);
    if (!settings) postern::log::fatal("%s", settings.error().message.c_str());
    auto access = smtpd::open_access_table(ctx.cfg);
    postern::server::raise_descriptor_limit();  // many sessions, many descriptors
    postern::server::drop_privileges(ctx);
    boost::asio::io_context io(1);
    smtpd::Server server(io, *settings, *access, ctx.listen_fd);
    if (auto st = server.start(); !st) postern::log::fatal("%s", st.error().message.c_str());
    io.run();
    return 0;
}
