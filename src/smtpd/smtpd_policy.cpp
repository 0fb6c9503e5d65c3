// RCPT TO acceptance (see the header).
#include "smtpd_policy.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "lib/resolve/resolve_route.hpp"
#include "lib/resolve/resolve_users.hpp"

namespace postern::smtpd {
namespace {

std::string bracket(std::string_view rcpt) { return "<" + log::printable(rcpt, 300) + ">"; }

bool routing_form(std::string_view local) { return local.find_first_of("%!@") != std::string_view::npos; }

// The first access answer that is not DUNNO, in Postfix's check order.
AccessVerdict access_verdict(const AccessTable& t, const ClientInfo& c, std::string_view sender, std::string_view rcpt) {
    for (auto v : {t.client(c.addr, c.name), t.helo(c.helo), t.sender(sender), t.recipient(rcpt)})
        if (v.action != AccessAction::Dunno) return v;
    return {};
}

std::pair<long long, long long> stamp(const std::string& map) {
    constexpr std::string_view kTextHash = "texthash:";
    struct stat st {};
    if (!starts_with_icase(map, kTextHash) || ::stat(map.substr(kTextHash.size()).c_str(), &st) != 0) return {-1, -1};
    return {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
            static_cast<long long>(st.st_size)};
}

}  // namespace

bool Policy::is_local_domain(std::string_view domain) const {
    return domain.empty() || resolve::is_local_domain(domain, settings_.mydestination);
}

// Re-read the alias tables only when one of them changed, as local reads
// them at each delivery: both see the same names.
const resolve::AliasMaps& Policy::aliases() {
    std::vector<std::pair<long long, long long>> now;
    for (const auto& m : settings_.alias_maps) now.push_back(stamp(m));
    if (!aliases_loaded_ || now != alias_stamps_) {
        aliases_ = resolve::load_alias_maps(settings_.alias_maps, settings_.alias_file_size_limit,
                                            settings_.alias_entry_length_limit);
        alias_stamps_ = std::move(now);
        aliases_loaded_ = true;
    }
    return aliases_;
}

std::string Policy::check_local(std::string_view rcpt) {
    std::string local = lowercase(resolve::local_part(rcpt));
    auto exists = resolve::local_name_exists(settings_.users, aliases(), local);
    if (!exists) {
        log::warn("%s: local recipient lookup failed: %s", bracket(rcpt).c_str(), exists.error().message.c_str());
        return "451 4.3.0 " + bracket(rcpt) + ": Temporary lookup failure";
    }
    if (!*exists) return "550 5.1.1 " + bracket(rcpt) + ": Recipient address rejected: User unknown in local recipient table";
    return {};
}

std::string Policy::check_recipient(const ClientInfo& client, std::string_view sender, std::string_view rcpt) {
    AccessVerdict v = access_verdict(access_, client, sender, rcpt);
    if (v.action == AccessAction::Reject) return "554 5.7.1 " + bracket(rcpt) + ": Access denied";
    if (v.action == AccessAction::Reply) return v.reply;
    bool permitted = client.trusted || v.action == AccessAction::Ok || v.action == AccessAction::Relay;
    std::string domain = resolve::recipient_domain(rcpt);
    if (!permitted && routing_form(resolve::local_part(rcpt)))
        return "554 5.7.1 " + bracket(rcpt) + ": Relay access denied";
    if (is_local_domain(domain)) return check_local(rcpt);
    if (permitted) return {};
    if (std::find(settings_.relay_domains.begin(), settings_.relay_domains.end(), domain) != settings_.relay_domains.end())
        return {};
    return "554 5.7.1 " + bracket(rcpt) + ": Relay access denied";
}

std::string Policy::verify(std::string_view address) {
    if (!is_local_domain(resolve::recipient_domain(address))) return "252 2.0.0 " + bracket(address);
    std::string err = check_local(address);
    return err.empty() ? "252 2.0.0 " + bracket(address) : err;
}

}  // namespace postern::smtpd
