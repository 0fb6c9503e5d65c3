// Selective flush by domain (see the header).
#include "lib/queue/queue_flush.hpp"

#include <fcntl.h>

#include <cerrno>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/queue/queue_status.hpp"

namespace postern::queue {

bool address_in_domain(std::string_view address, std::string_view domain, bool subdomains) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos || domain.empty()) return false;
    std::string d = lowercase(address.substr(at + 1));
    std::string want = lowercase(domain);
    if (d == want) return true;
    return subdomains && d.size() > want.size() && d.ends_with(want) && d[d.size() - want.size() - 1] == '.';
}

bool pending_for_domain(const Envelope& env, std::string_view domain, bool subdomains) {
    for (const auto& r : env.recipients)
        if (r.status == RcptStatus::Pending && address_in_domain(r.address, domain, subdomains)) return true;
    return false;
}

Result<std::size_t> make_domain_due(const QueueDir& q, std::string_view domain, bool subdomains) {
    auto ids = q.list(kDeferred);
    if (!ids) return ids.error();
    std::size_t count = 0;
    for (const auto& id : *ids) {
        auto fd = open_checked(q.path(kDeferred, id), O_RDONLY, 0, FileCheck{});
        auto env = fd ? read_envelope(fd->get()) : Result<Envelope>(fd.error());
        if (!env || !pending_for_domain(*env, domain, subdomains)) continue;
        if (auto st = make_due(q, kDeferred, id); !st) {
            if (st.error().sys_errno == ENOENT) continue;  // qmgr took it meanwhile
            return st.error();
        }
        ++count;
    }
    return count;
}

}  // namespace postern::queue
