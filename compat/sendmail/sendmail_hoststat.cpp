// sendmail -bh / -bH (see the header): front ends over
// lib/queue/queue_hoststat.hpp, which qmgr writes.
#include "sendmail_hoststat.hpp"

#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_hoststat.hpp"

namespace postern::sendmail {
namespace {

std::string queue_root(const config::Config& cfg) { return cfg.get(config::params::queue_directory); }

template <class F>
int with_queue(const std::string& root, const std::string& program, F&& run) {
    auto q = queue::QueueDir::open(root);
    if (!q) {
        std::fprintf(stderr, "%s: fatal: %s\n", program.c_str(), q.error().message.c_str());
        return ex::kUnavailable;
    }
    return run(*q);
}

}  // namespace

int show_host_status(const std::string& queue_root, const std::string& program, std::FILE* out) {
    return with_queue(queue_root, program,
                      [&](const queue::QueueDir& q) { return queue::print_host_status(q, program, out); });
}

int purge_host_status(const std::string& queue_root, const std::string& program) {
    return with_queue(queue_root, program,
                      [&](const queue::QueueDir& q) { return queue::purge_host_status_command(q, program); });
}

int show_host_status(const config::Config& cfg, const std::string& program) {
    return show_host_status(queue_root(cfg), program, stdout);
}

int purge_host_status(const config::Config& cfg, const std::string& program) {
    return purge_host_status(queue_root(cfg), program);
}

}  // namespace postern::sendmail
