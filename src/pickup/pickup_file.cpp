#include "pickup_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "pickup_cleanup.hpp"

namespace postern::pickup {
namespace {

Outcome to_corrupt(queue::QueueDir& q, const std::string& id, const std::string& why) {
    if (auto st = q.move_to_corrupt(id, queue::kMaildrop, why); !st) {
        log::warn("%s: cannot move to corrupt/ (%s): %s", id.c_str(), log::printable(why).c_str(),
                  st.error().message.c_str());
        return Outcome::Skipped;
    }
    return Outcome::Corrupt;
}

// Why the open failed decides the outcome: a name that is not a plain file
// is refused for good; anything else (EMFILE, EACCES...) is kept for later.
Outcome open_failed(queue::QueueDir& q, const std::string& id, const Error& error) {
    struct stat st {};
    std::string path = q.path(queue::kMaildrop, id);
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Outcome::Gone;
    } else if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
        return to_corrupt(q, id, error.message);
    }
    log::warn("%s: %s", id.c_str(), error.message.c_str());
    return Outcome::Skipped;
}

Outcome handle_reply(queue::QueueDir& q, const std::string& id, const queue::Envelope& env, uid_t owner,
                     const CleanupResult& r) {
    std::string from = log::printable(env.sender);
    switch (r.kind) {
        case CleanupResult::Kind::Ok:
            log::info("%s: uid=%u from=<%s> -> queue %s", id.c_str(), static_cast<unsigned>(owner), from.c_str(),
                      log::printable(r.queue_id).c_str());
            if (auto st = q.remove(queue::kMaildrop, id); !st)
                log::warn("%s: queued as %s but not removed (it may be delivered twice): %s", id.c_str(),
                          log::printable(r.queue_id).c_str(), st.error().message.c_str());
            return Outcome::Queued;
        case CleanupResult::Kind::PermFail:
            log::warn("%s: uid=%u from=<%s>: refused: %s", id.c_str(), static_cast<unsigned>(owner), from.c_str(),
                      log::printable(r.reason).c_str());
            return to_corrupt(q, id, "refused by cleanup: " + r.reason);
        case CleanupResult::Kind::TempFail: break;
    }
    log::warn("%s: uid=%u from=<%s>: deferred: %s", id.c_str(), static_cast<unsigned>(owner), from.c_str(),
              log::printable(r.reason).c_str());
    return Outcome::Deferred;
}

}  // namespace

Outcome pickup_file(queue::QueueDir& q, const std::string& id, const Settings& s) {
    FileCheck check;
    check.single_link = true;
    auto fd = open_checked(q.path(queue::kMaildrop, id), O_RDONLY, 0, check);
    if (!fd) return open_failed(q, id, fd.error());
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) {
        log::warn("%s: fstat: %s", id.c_str(), errno_error("fstat").message.c_str());
        return Outcome::Skipped;
    }
    auto env = queue::read_envelope(fd->get(), s.read_limits);
    if (!env) {
        if (env.error().sys_errno != 0) {
            log::warn("%s: %s", id.c_str(), env.error().message.c_str());
            return Outcome::Skipped;
        }
        return to_corrupt(q, id, env.error().message);
    }
    auto reply = send_to_cleanup(fd->get(), *env, st.st_uid, s);
    return handle_reply(q, id, *env, st.st_uid, reply);
}

}  // namespace postern::pickup
