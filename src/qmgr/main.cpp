// qmgr: the queue manager. Runs as $mail_owner (never root); started by
// master with the trigger socket public/qmgr on fd 3.
// Trusts nothing it reads: queue files are parsed with the bounded queue
// reader (damaged ones go to corrupt/), and delivery agents' replies are
// checked against what was asked before anything is marked.
// Single writer of queue files in active/ and deferred/.
#include <cstdlib>

#include "lib/base/log.hpp"
#include "lib/config/services.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/server/service.hpp"
#include "qmgr_loop.hpp"
#include "qmgr_manager.hpp"

using namespace postern;

// cleanup never takes an hour over one message; older temp files are crash debris.
constexpr long kStaleTempSeconds = 3600;

int main(int argc, char** argv) {
    auto ctx = server::init_daemon("qmgr", argc, argv);
    auto services = config::load_services(ctx.cfg.config_directory());
    if (!services) log::fatal("%s", services.error().message.c_str());
    auto settings = qmgr::Settings::from_config(ctx.cfg, *services);
    // One open file per active message: the active limit must leave room
    // for sockets and the rest.
    std::size_t fds = server::raise_descriptor_limit();
    std::size_t fit = fds > 2000 ? fds - 1000 : fds / 2;
    if (settings.active_limit > fit) {
        log::info("qmgr_message_active_limit lowered from %zu to %zu to fit %zu open files", settings.active_limit,
                  fit, fds);
        settings.active_limit = fit;
    }

    server::drop_privileges(ctx);
    auto queue = queue::QueueDir::open(server::queue_root(ctx));
    if (!queue) log::fatal("%s", queue.error().message.c_str());
    queue->sweep_temp(queue::kIncoming, kStaleTempSeconds);

    auto manager = qmgr::Manager::create(std::move(*queue), std::move(settings));
    if (!manager) log::fatal("%s", manager.error().message.c_str());
    return qmgr::run_loop(ctx, *manager);
}
