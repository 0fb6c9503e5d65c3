#include "local_owner_notice.hpp"

#include <ctime>

#include "lib/base/log.hpp"
#include "lib/dsn/dsn_notice.hpp"

namespace postern::local {

bool notify_owner(const Settings& settings, const Message& msg, const std::string& owner,
                  const std::vector<dsn::RecipientStatus>& failed) {
    const auto& env = msg.envelope;
    dsn::Report r = dsn::report_about(env, msg.queue_id, settings.myhostname, std::time(nullptr));
    r.to = owner;
    r.recipients = failed;
    r.original = dsn::returned_original(msg.fd, env, r.headers_only, settings.bounce_size_limit, r.truncated);
    auto res = dsn::submit_notice(settings.cleanup(), "bounce", r);
    if (res.kind != ipc::CleanupResult::Kind::Ok) {
        log::warn("%s: cannot send the list owner <%s> a non-delivery notification: %s", msg.queue_id.c_str(),
                  log::printable(owner).c_str(), res.reason.c_str());
        return false;
    }
    log::info("%s: owner <%s> non-delivery notification: %s", msg.queue_id.c_str(), log::printable(owner).c_str(),
              res.queue_id.c_str());
    return true;
}

}  // namespace postern::local
