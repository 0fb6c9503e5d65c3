// Delivery outcomes and their combination.
#include "local_status.hpp"

#include <cerrno>
#include <string>

namespace postern::local {
namespace {

Outcome make(Outcome::Status status, std::string_view dsn, std::string_view reason) {
    Outcome o;
    o.status = status;
    o.dsn = std::string(dsn);
    o.reason = std::string(reason);
    return o;
}

}  // namespace

Outcome delivered(std::string_view reason) { return make(Outcome::Status::Delivered, "2.0.0", reason); }
Outcome deferred(std::string_view dsn, std::string_view reason) { return make(Outcome::Status::Deferred, dsn, reason); }
Outcome bounced(std::string_view dsn, std::string_view reason) { return make(Outcome::Status::Bounced, dsn, reason); }

Outcome fs_failure(const Error& error) {
    if (error.sys_errno == ENOSPC || error.sys_errno == EDQUOT) return deferred("4.2.2", "mailbox full");
    return deferred("4.2.0", error.message);
}

Outcome combine(const std::vector<Outcome>& outcomes) {
    if (outcomes.empty()) return deferred("4.3.0", "internal error: recipient expanded to nothing");
    for (const auto& o : outcomes)
        if (o.status == Outcome::Status::Deferred) return o;
    for (const auto& o : outcomes)
        if (o.status == Outcome::Status::Bounced) return o;
    if (outcomes.size() == 1) return outcomes.front();
    return delivered("delivered to " + std::to_string(outcomes.size()) + " destinations");
}

std::string_view status_word(const Outcome& o) {
    switch (o.status) {
        case Outcome::Status::Delivered: return "sent";
        case Outcome::Status::Bounced: return "bounced";
        case Outcome::Status::Deferred: break;
    }
    return "deferred";
}

}  // namespace postern::local
