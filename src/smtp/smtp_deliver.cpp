// Request handling for the smtp service (see the header).
#include "smtp_deliver.hpp"

#include <fcntl.h>
#include <poll.h>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/dsn/dsn_attrs.hpp"
#include "lib/queue/queue_file.hpp"
#include "lib/queue/queue_path.hpp"
#include "smtp_content.hpp"
#include "smtp_nexthop.hpp"

namespace postern::smtp {
namespace {

using RStatus = ipc::RecipientResult::Status;

ipc::DeliverReply all_results(const ipc::DeliverRequest& req, RStatus st, const std::string& dsn,
                              const std::string& reason) {
    ipc::DeliverReply reply;
    for (const auto& r : req.recipients) reply.results.push_back(ipc::RecipientResult{r.offset, st, dsn, reason});
    return reply;
}

RStatus to_status(RcptState s) {
    return s == RcptState::Delivered ? RStatus::Delivered : s == RcptState::Bounced ? RStatus::Bounced : RStatus::Deferred;
}

bool content_has_8bit(int fd, const queue::Envelope& env) {
    bool found = false;
    auto st = queue::read_content(fd, env, [&](std::string_view chunk) -> Status {
        if (has_8bit(chunk)) {
            found = true;
            return make_error("found");  // stop early
        }
        return {};
    });
    (void)st;
    return found;
}

// qmgr still waits for our reply: its end of the socket is open.
bool peer_alive(int conn) {
    struct pollfd p{conn, POLLRDHUP, 0};
    return ::poll(&p, 1, 0) == 0;
}

ipc::DeliverReply deliver_request(const Settings& settings, const ipc::DeliverRequest& req, int fd,
                                  const queue::Envelope& env, int conn) {
    Targets targets = find_targets(settings, req.nexthop);
    if (targets.servers.empty()) return all_results(req, targets.failure, targets.dsn, targets.reason);
    Transaction tx;
    tx.queue_id = log::printable(req.queue_id, 32);
    tx.sender = req.sender;
    for (const auto& r : req.recipients) tx.recipients.push_back(OutRecipient{r.address, r.orcpt, r.notify});
    tx.size = env.content_size;
    tx.eight_bit = content_has_8bit(fd, env);
    tx.ret = dsn::envelope_attr(env, dsn::kRetAttr);
    tx.envid = dsn::envelope_attr(env, dsn::kEnvidAttr);
    tx.content = [fd, &env](const ContentSink& sink) { return queue::read_content(fd, env, sink); };
    tx.still_wanted = [conn] { return peer_alive(conn); };
    ipc::DeliverReply reply;
    auto results = deliver_to(settings, tx, targets.servers);
    for (std::size_t i = 0; i < results.size(); ++i) {
        results[i].offset = req.recipients[i].offset;
        reply.results.push_back(std::move(results[i]));
    }
    return reply;
}

}  // namespace

Targets find_targets(const Settings& settings, const std::string& nexthop) {
    Targets t;
    auto hop = parse_nexthop(nexthop, settings.default_port);
    if (!hop) {
        t.dsn = "4.3.5";
        t.reason = "mail transport misconfigured: " + hop.error().message;
        return t;
    }
    if (hop->literal) {
        t.servers.push_back(ServerTarget{hop->host, hop->host, hop->port});
        return t;
    }
    Resolver resolver(settings.dns);
    DnsAnswer ans = hop->mx_lookup ? resolver.resolve_mx(hop->host) : resolver.resolve_host(hop->host);
    switch (ans.kind) {
        case DnsAnswer::Kind::Ok: break;
        case DnsAnswer::Kind::NotFound: return Targets{{}, RStatus::Bounced, "5.1.2", ans.detail};
        case DnsAnswer::Kind::NullMx: return Targets{{}, RStatus::Bounced, "5.1.10", ans.detail};
        case DnsAnswer::Kind::TempFail: return Targets{{}, RStatus::Deferred, "4.4.3", ans.detail};
    }
    for (const auto& h : ans.hosts)
        for (const auto& a : h.addresses)
            if (t.servers.size() < settings.mx_address_limit) t.servers.push_back(ServerTarget{h.name, a, hop->port});
    return t;
}

std::vector<ipc::RecipientResult> deliver_to(const Settings& settings, const Transaction& tx,
                                             const std::vector<ServerTarget>& servers) {
    std::vector<ipc::RecipientResult> out(tx.recipients.size());
    std::vector<std::size_t> open(tx.recipients.size());
    for (std::size_t i = 0; i < open.size(); ++i) open[i] = i;
    std::string last_error = "no server to try";
    char last_class = '4';
    for (std::size_t s = 0; s < servers.size() && !open.empty(); ++s) {
        Transaction part = tx;
        part.recipients.clear();
        for (auto i : open) part.recipients.push_back(tx.recipients[i]);
        SessionResult res = run_session(part, servers[s], settings.session);
        if (res.tls_failed) {  // level may: the same server once more, in plain text
            SessionSettings plain = settings.session;
            plain.tls = nullptr;
            log::info("%s: %s; retrying without TLS", tx.queue_id.c_str(), res.server_error.c_str());
            res = run_session(part, servers[s], plain);
        }
        std::vector<std::size_t> still_open;
        for (std::size_t k = 0; k < open.size(); ++k) {
            const auto& o = res.recipients[k];
            if (o.state == RcptState::Pending) {
                still_open.push_back(open[k]);
                continue;
            }
            out[open[k]] = ipc::RecipientResult{0, to_status(o.state), o.dsn, o.reason};
        }
        open = std::move(still_open);
        if (!res.server_error.empty()) {
            last_error = res.server_error;
            last_class = res.server_error_class;
            log::info("%s: %s", tx.queue_id.c_str(), log::printable(last_error, 512).c_str());
        }
    }
    for (auto i : open)
        out[i] = last_class == '5' ? ipc::RecipientResult{0, RStatus::Bounced, "5.4.1", last_error}
                                   : ipc::RecipientResult{0, RStatus::Deferred, "4.4.1", last_error};
    return out;
}

void handle_connection(const Settings& settings, UniqueFd conn) {
    auto req = ipc::recv_msg<ipc::DeliverRequest>(conn.get(), settings.ipc_limits, settings.ipc_timeout);
    if (!req) {
        if (req.error().message != "eof") log::warn("bad deliver request: %s", req.error().message.c_str());
        return;
    }
    ipc::DeliverReply reply;
    std::string path = settings.queue_directory + "/" + req->queue_file;
    auto fd = queue::valid_queue_path(req->queue_file) ? open_checked(path, O_RDONLY, 0, FileCheck{})
                                                        : Result<UniqueFd>(make_error("bad queue file name"));
    auto env = fd ? queue::read_envelope(fd->get()) : Result<queue::Envelope>(fd.error());
    if (!env) {
        log::warn("%s: %s: %s", log::printable(req->queue_id).c_str(), log::printable(path).c_str(),
                  env.error().message.c_str());
        reply = all_results(*req, RStatus::Deferred, "4.3.0", "cannot read queue file: " + env.error().message);
    } else {
        reply = deliver_request(settings, *req, fd->get(), *env, conn.get());
    }
    if (Status st = ipc::send_msg(conn.get(), reply, settings.ipc_timeout); !st)
        log::warn("%s: cannot send reply: %s", log::printable(req->queue_id).c_str(), st.error().message.c_str());
}

}  // namespace postern::smtp
