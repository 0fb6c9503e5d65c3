// pickup: moves locally submitted mail from maildrop/ to cleanup.
// SECURITY: runs with fixed low privilege ($mail_owner) and reads files
// written by potentially hostile local users: nothing in a maildrop file is
// trusted (bounded parser, no symlinks, one link, owner = submitter), and a
// file is removed only after cleanup has made the message durable.
#include <chrono>
#include <string>

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"
#include "pickup_scan.hpp"
#include "pickup_settings.hpp"

int main(int argc, char** argv) {
    using namespace postern;
    auto ctx = server::init_daemon("pickup", argc, argv);
    server::drop_privileges(ctx);
    std::string root = server::queue_root(ctx);
    auto q = queue::QueueDir::open(root);
    if (!q) log::fatal("%s", q.error().message.c_str());
    auto settings = pickup::settings_from_config(ctx.cfg, root);
    auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(
        ctx.cfg.get(config::params::maildrop_scan_interval));
    while (!server::stop_requested()) {
        pickup::scan_maildrop(*q, settings);
        server::wait_for_trigger(ctx, interval);
    }
    return 0;
}
