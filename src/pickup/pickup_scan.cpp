#include "pickup_scan.hpp"

#include "lib/base/log.hpp"
#include "lib/server/service.hpp"
#include "pickup_file.hpp"

namespace postern::pickup {

ScanStats scan_maildrop(queue::QueueDir& q, const Settings& s) {
    ScanStats stats;
    q.sweep_temp(queue::kMaildrop, s.temp_max_age);
    auto ids = q.list(queue::kMaildrop);
    if (!ids) {
        log::warn("scan maildrop: %s", ids.error().message.c_str());
        return stats;
    }
    for (const auto& id : *ids) {
        if (server::stop_requested()) break;
        switch (pickup_file(q, id, s)) {
            case Outcome::Queued: ++stats.queued; break;
            case Outcome::Corrupt: ++stats.corrupt; break;
            case Outcome::Skipped: ++stats.kept; break;
            case Outcome::Gone: break;
            case Outcome::Deferred: ++stats.kept; stats.deferred = true; return stats;
        }
    }
    return stats;
}

}  // namespace postern::pickup
