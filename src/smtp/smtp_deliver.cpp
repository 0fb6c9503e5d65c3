// Request handling for the smtp service (see the header).
#include "smtp_deliver.hpp"

#include <fcntl.h>
#include <poll.h>

#include <chrono>
#include <optional>

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
using Clock = std::chrono::steady_clock;

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

// The outcome of one request so far: results for the recipients that are
// done, the indexes of those still open, and the last server error (what
// the open ones get when no server is left).
class Delivery {
public:
    explicit Delivery(const Transaction& tx) : tx_(tx), out_(tx.recipients.size()) {
        for (std::size_t i = 0; i < out_.size(); ++i) open_.push_back(i);
    }
    bool done() const { return open_.empty(); }

    // tx with only the open recipients.
    Transaction remaining() const {
        Transaction part = tx_;
        part.recipients.clear();
        for (auto i : open_) part.recipients.push_back(tx_.recipients[i]);
        return part;
    }

    // Take the outcomes of a session run over remaining().
    void absorb(const SessionResult& res) {
        std::vector<std::size_t> still_open;
        for (std::size_t k = 0; k < open_.size(); ++k) {
            const auto& o = res.recipients[k];
            if (o.state == RcptState::Pending) {
                still_open.push_back(open_[k]);
                continue;
            }
            out_[open_[k]] = ipc::RecipientResult{0, to_status(o.state), o.dsn, o.reason};
        }
        open_ = std::move(still_open);
        if (!res.server_error.empty()) {
            last_error_ = res.server_error;
            last_class_ = res.server_error_class;
            log::info("%s: %s", tx_.queue_id.c_str(), log::printable(last_error_, 512).c_str());
        }
    }

    // The open recipients all end as st (a failed lookup).
    void fail_open(RStatus st, const std::string& dsn, const std::string& reason) {
        for (auto i : open_) out_[i] = ipc::RecipientResult{0, st, dsn, reason};
        open_.clear();
    }

    // One result per tx recipient; those still open: no server would take them.
    std::vector<ipc::RecipientResult> finish() {
        if (last_class_ == '5') fail_open(RStatus::Bounced, "5.4.1", last_error_);
        else fail_open(RStatus::Deferred, "4.4.1", last_error_);
        return std::move(out_);
    }

private:
    const Transaction& tx_;
    std::vector<ipc::RecipientResult> out_;
    std::vector<std::size_t> open_;
    std::string last_error_ = "no server to try";
    char last_class_ = '4';
};

// A session left open by a transaction, to be reset and cached once qmgr
// has its reply.
struct KeptSession {
    OpenSession session;
    unsigned uses;  // transactions it carried
};

std::string cache_key(const Settings& settings, const std::string& nexthop) {
    auto level = settings.session.tls ? settings.session.tls->level() : TlsLevel::None;
    return nexthop + " tls=" + std::to_string(static_cast<int>(level));
}

// The cached session for key, if any, carries the open recipients first.
void try_cached(const Settings& settings, SessionCache& cache, const std::string& key, Delivery& d,
                std::optional<KeptSession>& kept) {
    auto idle = cache.take(key, Clock::now());
    if (!idle) return;
    const std::string label = idle->value.target.label();
    const Transaction part = d.remaining();
    if (!idle->value.conn.quiet()) {  // closed, or 421, while idle
        log::info("%s: cached connection to %s was closed by the server; connecting again", part.queue_id.c_str(),
                  label.c_str());
        quit_session(idle->value);
        return;
    }
    log::info("%s: reusing connection to %s (conn_use=%u)", part.queue_id.c_str(), label.c_str(), idle->uses + 1);
    SessionResult res = resume_session(part, std::move(idle->value), settings.session, true);
    if (res.stale) {
        log::info("%s: cached connection to %s is gone (%s); connecting again", part.queue_id.c_str(), label.c_str(),
                  log::printable(res.server_error, 512).c_str());
        return;
    }
    d.absorb(res);
    if (res.open) kept.emplace(KeptSession{std::move(*res.open), idle->uses + 1});
}

// Each server address in turn, fresh connections, until no recipient is open.
void try_servers(const Settings& settings, bool keep_open, const std::vector<ServerTarget>& servers, Delivery& d,
                 std::optional<KeptSession>& kept) {
    for (std::size_t s = 0; s < servers.size() && !d.done(); ++s) {
        const Transaction part = d.remaining();
        SessionResult res = run_session(part, servers[s], settings.session, keep_open);
        if (res.tls_failed) {  // level may: the same server once more, in plain text, not kept
            SessionSettings plain = settings.session;
            plain.tls = nullptr;
            log::info("%s: %s; retrying without TLS", part.queue_id.c_str(), res.server_error.c_str());
            res = run_session(part, servers[s], plain);
        }
        d.absorb(res);
        if (res.open) kept.emplace(KeptSession{std::move(*res.open), 1});
    }
}

ipc::DeliverReply deliver_request(const Settings& settings, SessionCache& cache, const ipc::DeliverRequest& req,
                                  int fd, const queue::Envelope& env, int conn, std::optional<KeptSession>& kept) {
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
    Delivery d(tx);
    try_cached(settings, cache, cache_key(settings, req.nexthop), d, kept);
    if (!d.done()) {
        Targets targets = find_targets(settings, req.nexthop);
        if (targets.servers.empty()) d.fail_open(targets.failure, targets.dsn, targets.reason);
        else try_servers(settings, cache.enabled(), targets.servers, d, kept);
    }
    ipc::DeliverReply reply;
    auto results = d.finish();
    for (std::size_t i = 0; i < results.size(); ++i) {
        results[i].offset = req.recipients[i].offset;
        reply.results.push_back(std::move(results[i]));
    }
    return reply;
}

// After the reply went out: RSET, and on 250 into the cache.
void cache_session(const Settings& settings, SessionCache& cache, const std::string& key, KeptSession kept) {
    if (!reset_session(kept.session, settings.session)) {
        quit_session(kept.session);
        return;
    }
    cache.put(key, std::move(kept.session), kept.uses, Clock::now());
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

SessionCache make_session_cache(const Settings& settings) {
    return SessionCache(settings.cache, [](OpenSession& s) { quit_session(s); });
}

void handle_connection(const Settings& settings, SessionCache& cache, UniqueFd conn) {
    auto req = ipc::recv_msg<ipc::DeliverRequest>(conn.get(), settings.ipc_limits, settings.ipc_timeout);
    if (!req) {
        if (req.error().message != "eof") log::warn("bad deliver request: %s", req.error().message.c_str());
        return;
    }
    ipc::DeliverReply reply;
    std::optional<KeptSession> kept;
    std::string path = settings.queue_directory + "/" + req->queue_file;
    auto fd = queue::valid_queue_path(req->queue_file) ? open_checked(path, O_RDONLY, 0, FileCheck{})
                                                        : Result<UniqueFd>(make_error("bad queue file name"));
    auto env = fd ? queue::read_envelope(fd->get()) : Result<queue::Envelope>(fd.error());
    if (!env) {
        log::warn("%s: %s: %s", log::printable(req->queue_id).c_str(), log::printable(path).c_str(),
                  env.error().message.c_str());
        reply = all_results(*req, RStatus::Deferred, "4.3.0", "cannot read queue file: " + env.error().message);
    } else {
        reply = deliver_request(settings, cache, *req, fd->get(), *env, conn.get(), kept);
    }
    if (Status st = ipc::send_msg(conn.get(), reply, settings.ipc_timeout); !st)
        log::warn("%s: cannot send reply: %s", log::printable(req->queue_id).c_str(), st.error().message.c_str());
    conn.reset();  // qmgr goes on while the session is tidied up
    if (kept) cache_session(settings, cache, cache_key(settings, req->nexthop), std::move(*kept));
}

}  // namespace postern::smtp
