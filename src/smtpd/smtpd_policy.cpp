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

bool listed(const std::vector<std::string>& domains, std::string_view domain) {
    return std::find(domains.begin(), domains.end(), domain) != domains.end();
}

bool routing_form(std::string_view local) { return local.find_first_of("%!@") != std::string_view::npos; }

// The first access answer that is not DUNNO, in Postfix's check order;
// later tables are not asked once one has decided.
AccessVerdict access_verdict(const AccessTable& t, const ClientInfo& c, std::string_view sender, std::string_view rcpt) {
    AccessVerdict v = t.client(c.addr, c.name);
    if (v.action == AccessAction::Dunno) v = t.helo(c.helo);
    if (v.action == AccessAction::Dunno) v = t.sender(sender);
    if (v.action == AccessAction::Dunno) v = t.recipient(rcpt);
    return v;
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
    if (!aliases_loaded_ || now != alias_stamps_ || aliases_.error) {
        aliases_ = resolve::load_alias_maps(settings_.alias_maps, settings_.alias_file_size_limit,
                                            settings_.alias_entry_length_limit, access_.alias_opener());
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

// Postfix's check_rcpt_maps: a virtual alias is a known recipient in any
// domain; otherwise a local name must be an alias or a user, and an address
// in a virtual alias domain must have been a virtual alias.
std::string Policy::check_known(std::string_view rcpt, std::string_view domain) {
    maps::Lookup v = access_.virtual_alias(rcpt);
    if (v.is_temp_fail()) {
        log::warn("%s: virtual alias lookup failed: %s", bracket(rcpt).c_str(), v.error().c_str());
        return "451 4.3.0 " + bracket(rcpt) + ": Temporary lookup failure";
    }
    if (v.is_found()) return {};
    if (is_local_domain(domain)) return check_local(rcpt);
    if (listed(settings_.virtual_alias_domains, domain))
        return "550 5.1.1 " + bracket(rcpt) + ": Recipient address rejected: User unknown in virtual alias table";
    return {};
}

std::string Policy::check_recipient(const ClientInfo& client, std::string_view sender, std::string_view rcpt) {
    AccessVerdict v = access_verdict(access_, client, sender, rcpt);
    if (v.action == AccessAction::Reject || v.action == AccessAction::TempFail) return v.reply;
    bool permitted = client.trusted || v.action == AccessAction::Ok || v.action == AccessAction::Relay;
    std::string domain = resolve::recipient_domain(rcpt);
    if (!permitted && routing_form(resolve::local_part(rcpt)))
        return "554 5.7.1 " + bracket(rcpt) + ": Relay access denied";
    bool ours = is_local_domain(domain) || listed(settings_.virtual_alias_domains, domain) ||
                listed(settings_.relay_domains, domain);
    if (!permitted && !ours) return "554 5.7.1 " + bracket(rcpt) + ": Relay access denied";
    return check_known(rcpt, domain);
}

std::string Policy::verify(std::string_view address) {
    std::string err = check_known(address, resolve::recipient_domain(address));
    return err.empty() ? "252 2.0.0 " + bracket(address) : err;
}

}  // namespace postern::smtpd
