// cleanup: turns a submission (from pickup or smtpd) into a queue file in
// incoming/ and wakes qmgr. See man/cleanup.8.
//
// Trust: runs as $mail_owner; its clients are other postern processes, but
// every request, address and header is parsed as untrusted and bounded.
// Opens the queue directory and, before dropping privileges, the canonical
// and virtual tables (cleanup_rewrite.hpp); writes only incoming/.
#include "cleanup_rewrite.hpp"
#include "cleanup_session.hpp"
#include "cleanup_settings.hpp"
#include "lib/base/log.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/server/service.hpp"

using namespace postern;

int main(int argc, char** argv) {
    auto ctx = server::init_daemon("cleanup", argc, argv);
    std::string root = server::queue_root(ctx);
    auto settings = cleanup::Settings::from_config(ctx.cfg, root);
    // Before chroot and the privilege drop: tables may live outside the queue.
    settings.tables = cleanup::Tables::open(ctx.cfg, settings.myorigin);
    server::drop_privileges(ctx);
    auto queue = queue::QueueDir::open(root);
    if (!queue) log::fatal("%s", queue.error().message.c_str());
    return server::run_accept_loop(ctx, [&](UniqueFd fd) {
        cleanup::Session(*queue, posix_file_ops(), settings, fd.get()).run();
    });
}
