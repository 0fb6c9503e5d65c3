// Envelope sender and recipients: validation, qualification, -t merge.
#include "cleanup_envelope.hpp"

#include <algorithm>

#include "cleanup_extract.hpp"
#include "lib/address/address.hpp"
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"

namespace postern::cleanup {
namespace {

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 32 || c == 127; });
}

// Case-insensitive on the domain only: the local part belongs to the
// destination, which may treat case as significant.
std::string dedup_key(const std::string& address) {
    if (!has_domain(address)) return address;
    std::size_t at = address.rfind('@');
    return address.substr(0, at + 1) + lowercase(std::string_view(address).substr(at + 1));
}

Status add_client_recipients(const ipc::CleanupOpen& open, const Settings& s, RecipientList& list, Prepared& p) {
    for (std::size_t i = 0; i < open.recipients.size(); ++i) {
        const auto& raw = open.recipients[i];
        auto addrs = envelope_addresses(raw);
        if (!addrs) return make_error("5.1.3 bad recipient address syntax: " + log::printable(raw, 100));
        std::string notify = i < open.rcpt_notify.size() ? open.rcpt_notify[i] : "";
        std::string orcpt = i < open.rcpt_orcpt.size() ? open.rcpt_orcpt[i] : "";
        for (const auto& a : *addrs) {
            std::string q = qualify(a, s.myorigin);
            if (!notify.empty() || !orcpt.empty()) p.dsn.emplace(q, std::pair{notify, orcpt});
            list.add(std::move(q));
        }
        if (list.overflow()) break;
    }
    return {};
}

}  // namespace

bool has_domain(std::string_view address) {
    // A quoted local part may hold '@'; a domain never ends in '"'.
    return !address.empty() && address.back() != '"' && address.find('@') != std::string_view::npos;
}

std::string qualify(std::string_view address, std::string_view origin) {
    if (address.empty() || has_domain(address) || origin.empty()) return std::string(address);
    return std::string(address) + "@" + std::string(origin);
}

Result<std::vector<std::string>> envelope_addresses(std::string_view raw) {
    if (raw.empty() || has_control(raw)) return make_error("bad address syntax");
    auto list = address::parse_address_list(raw);
    if (!list || list->addresses.empty() || !list->rejected.empty() || list->truncated)
        return make_error("bad address syntax");
    std::vector<std::string> out;
    for (const auto& a : list->addresses) out.push_back(a.spec());
    return out;
}

void RecipientList::add(std::string address) {
    if (overflow_ || !seen_.insert(dedup_key(address)).second) return;
    if (list_.size() == limit_) {
        overflow_ = true;
        return;
    }
    list_.push_back(std::move(address));
}

Result<Prepared> prepare_envelope(const ipc::CleanupOpen& open, const Headers& headers, const Settings& s) {
    Prepared p;
    if (!open.sender.empty()) {
        auto a = envelope_addresses(open.sender);
        if (!a || a->size() != 1) return make_error("5.1.7 bad sender address syntax");
        p.sender = qualify(a->front(), s.myorigin);
    }
    RecipientList list(s.recipient_limit);
    if (open.extract_recipients) {
        address::ListLimits limits;
        limits.max_input = s.header_size_limit;
        limits.max_addresses = s.recipient_limit + 1;
        Extracted ex = extract_recipients(headers, limits);
        p.rejected = std::move(ex.rejected);
        if (ex.truncated) return make_error("5.5.3 too many recipients");
        for (const auto& r : ex.recipients) list.add(qualify(r, s.myorigin));
    }
    POSTERN_TRY(add_client_recipients(open, s, list, p));
    if (list.overflow()) return make_error("5.5.3 too many recipients");
    if (list.addresses().empty()) return make_error("5.1.3 no recipients specified");
    p.recipients = list.addresses();
    return p;
}

queue::Envelope make_envelope(const ipc::CleanupOpen& open, const Prepared& p, const struct timespec& arrival) {
    queue::Envelope env;
    env.arrival = arrival;
    env.sender = p.sender;
    env.full_name = open.full_name;
    env.uid = open.uid;
    env.extract_recipients = false;  // done here; the recipients below are final
    env.attrs.emplace_back("origin", open.origin);
    for (const auto& [name, value] : {std::pair{"client_name", &open.client_name},
                                      std::pair{"client_addr", &open.client_addr}, std::pair{"helo", &open.helo}})
        if (!value->empty()) env.attrs.emplace_back(name, *value);
    if (!open.dsn_ret.empty()) env.attrs.emplace_back("dsn_ret", open.dsn_ret);
    if (!open.dsn_envid.empty()) env.attrs.emplace_back("dsn_envid", open.dsn_envid);
    for (const auto& r : p.recipients) {
        auto it = p.dsn.find(r);
        if (it == p.dsn.end())
            env.recipients.push_back(queue::Recipient{r, {}, {}});
        else
            env.recipients.push_back(queue::Recipient{r, it->second.second, it->second.first});
    }
    return env;
}

}  // namespace postern::cleanup
