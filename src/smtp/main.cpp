// smtp: the SMTP client delivery agent. Trust and privilege:
//  - started by master with private/smtp on fd 3; drops to $mail_owner
//    (and chroots when services.conf says so) before it reads a request.
//  - talks to arbitrary servers on the network: every reply line and reply
//    is bounded ($line_length_limit, $smtp_reply_size_limit) and timed.
//  - trusts neither qmgr's requests nor queue files (bounded parsers);
//    never writes the queue: qmgr marks recipients from the reply.
#include <chrono>
#include <utility>

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"
#include "smtp_deliver.hpp"
#include "smtp_settings.hpp"

int main(int argc, char** argv) {
    auto ctx = postern::server::init_daemon("smtp", argc, argv);
    auto settings = postern::smtp::settings_from(ctx.cfg);
    if (!settings) postern::log::fatal("%s", settings.error().message.c_str());
    postern::server::drop_privileges(ctx);
    // Idle sessions kept for reuse: closed (QUIT) when their time is up,
    // also while no request comes, and when the loop ends (SIGTERM).
    auto cache = postern::smtp::make_session_cache(*settings);
    return postern::server::run_accept_loop(
        ctx, [&](postern::UniqueFd conn) { postern::smtp::handle_connection(*settings, cache, std::move(conn)); },
        [&] { return cache.expire(std::chrono::steady_clock::now()); });
}
