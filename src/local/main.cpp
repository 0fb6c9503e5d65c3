// local: the local delivery agent. Trust and privilege:
//  - started by master with private/local on fd 3; in a system instance it
//    runs as root and does NOT drop privileges: each delivery runs in a
//    child that becomes the recipient before it opens any file of theirs
//    (local_privs.cpp). In a user instance it runs as the invoking user and
//    changes no identity.
//  - trusts neither qmgr's requests nor queue files nor alias files: all are
//    parsed with bounded readers.
#include <utility>

#include "lib/server/service.hpp"
#include "local_session.hpp"
#include "local_settings.hpp"

int main(int argc, char** argv) {
    auto ctx = postern::server::init_daemon("local", argc, argv);
    const auto settings = postern::local::settings_from(ctx.cfg);
    // No drop_privileges(): see above.
    return postern::server::run_accept_loop(ctx, [&](postern::UniqueFd conn) {
        postern::local::handle_connection(settings, std::move(conn));
    });
}
