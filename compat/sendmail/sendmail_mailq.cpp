// mailq (sendmail -bp): the shared queue listing (lib/queue/queue_listing.hpp).
#include "sendmail_mailq.hpp"

#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_listing.hpp"

namespace postern::sendmail {

int list_queue(const queue::QueueDir& q, const std::string& program, std::FILE* out) {
    return queue::list_queue(q, program, out);
}

int list_queue(const config::Config& cfg, const std::string& program) {
    auto q = queue::QueueDir::open(cfg.get(config::params::queue_directory));
    if (!q) {
        std::fprintf(stderr, "%s: fatal: cannot read the queue: %s\n", program.c_str(), q.error().message.c_str());
        return q.error().sys_errno == EACCES ? ex::kNoPerm : ex::kUnavailable;
    }
    return sendmail::list_queue(*q, program, stdout);
}

}  // namespace postern::sendmail
