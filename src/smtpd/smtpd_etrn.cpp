// ETRN (see smtpd_etrn.hpp).
#include "smtpd_etrn.hpp"

#include <algorithm>

#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/queue/queue_flush.hpp"
#include "lib/queue/queue_hoststat.hpp"
#include "lib/queue/queue_status.hpp"
#include "lib/resolve/resolve_route.hpp"
#include "smtpd_session.hpp"

namespace postern::smtpd {
namespace {

constexpr std::size_t kMaxDomain = 255;

bool domain_chars(std::string_view d) {
    return std::all_of(d.begin(), d.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
    });
}

// The flush itself; false when the queue or qmgr cannot be reached.
bool flush_domain(const std::string& queue_root, const EtrnRequest& req, std::size_t& found) {
    auto q = queue::QueueDir::open(queue_root);
    if (!q) return false;
    auto forgot = queue::forget_host_status(*q, req.domain, req.subdomains);
    if (forgot && *forgot > 0) (void)ipc::send_trigger(queue::qmgr_trigger_path(*q), queue::kTriggerHostStatus);
    auto due = queue::make_domain_due(*q, req.domain, req.subdomains);
    if (!due) {
        log::warn("ETRN %s: %s", req.domain.c_str(), due.error().message.c_str());
        return false;
    }
    found = *due;
    if (found == 0) return true;
    if (auto st = ipc::send_trigger(queue::qmgr_trigger_path(*q), queue::kTriggerScanDeferred); !st) {
        log::warn("ETRN %s: %s", req.domain.c_str(), st.error().message.c_str());
        return false;
    }
    return true;
}

}  // namespace

Result<EtrnRequest> parse_etrn(std::string_view args) {
    std::string_view a = trim(args);
    EtrnRequest r;
    if (!a.empty() && (a[0] == '@' || a[0] == '#')) {
        r.subdomains = a[0] == '@';
        r.queue_name = a[0] == '#';
        a.remove_prefix(1);
    }
    if (a.empty() || a.size() > kMaxDomain || !domain_chars(a)) return make_error("501 5.5.4 Syntax: ETRN domain");
    r.domain = r.queue_name ? std::string(a) : resolve::normalize_domain(a);
    if (r.domain.empty()) return make_error("501 5.5.4 Syntax: ETRN domain");
    return r;
}

asio::awaitable<void> Session::cmd_etrn(std::string args) {
    if (tx_.mail) {
        reply("503 5.5.1 Error: MAIL transaction in progress");
        co_return;
    }
    auto req = parse_etrn(args);
    if (!req) {
        reply(req.error().message);
        co_return;
    }
    const auto& s = shared_.settings;
    std::string node = (req->queue_name ? "#" : req->subdomains ? "@" : "") + req->domain;
    if (req->queue_name) {
        reply("459 4.7.1 Node " + node + " not allowed: named queues are not supported");
        co_return;
    }
    if (std::find(s.relay_domains.begin(), s.relay_domains.end(), req->domain) == s.relay_domains.end()) {
        log::info("ETRN %s refused for %s[%s]: not in relay_domains", node.c_str(), client_.name.c_str(),
                  client_.addr.c_str());
        reply("459 4.7.1 Node " + node + " not allowed: not a relay domain");
        co_return;
    }
    std::size_t found = 0;
    if (!flush_domain(s.queue_directory, *req, found)) {
        reply("458 4.3.0 Unable to queue messages for node " + node);
        co_return;
    }
    log::info("ETRN %s from %s[%s]: %zu deferred message(s) made due", node.c_str(), client_.name.c_str(),
              client_.addr.c_str(), found);
    if (found == 0) reply("251 2.0.0 OK, no messages waiting for node " + node);
    else reply("250 2.0.0 Queuing for node " + node + " started");
}

}  // namespace postern::smtpd
