// The anvil(8) client (see the header).
#include "smtpd_anvil.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "lib/base/log.hpp"
#include "lib/ipc/anvil_messages.hpp"

namespace postern::smtpd {

namespace asio = boost::asio;

namespace {

constexpr ipc::Limits kReplyLimits{256, 4, 64};

AnvilClient::Verdict from_reply(ipc::AnvilReply::Verdict v) {
    switch (v) {
        case ipc::AnvilReply::Verdict::Ok: return AnvilClient::Verdict::Ok;
        case ipc::AnvilReply::Verdict::TooManyConnections: return AnvilClient::Verdict::TooManyConnections;
        case ipc::AnvilReply::Verdict::TooFast: return AnvilClient::Verdict::TooFast;
    }
    return AnvilClient::Verdict::Ok;
}

ipc::AnvilRequest request(ipc::AnvilRequest::Op op, const std::string& addr) {
    ipc::AnvilRequest r;
    r.op = op;
    r.addr = addr;
    return r;
}

}  // namespace

AnvilClient::AnvilClient(asio::io_context& io, std::string socket_path)
    : io_(io), path_(std::move(socket_path)), sock_(io), deadline_(io) {}

// A connection that worked before and fails now usually means anvil was
// restarted: try one fresh connection at once rather than counting alone.
asio::awaitable<std::optional<AnvilClient::Admission>> AnvilClient::admit(const std::string& addr) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool fresh = !connected_;
        bool up = co_await ensure_connected(attempt > 0);
        if (!up) co_return std::nullopt;
        const std::uint64_t gen = generation_;
        send(ipc::with_header(request(ipc::AnvilRequest::Op::Admit, addr)));
        arm_deadline();
        auto reply = co_await ipc::async_recv_msg<ipc::AnvilReply>(sock_, kReplyLimits);
        disarm_deadline();
        if (reply) co_return Admission{from_reply(reply->verdict), gen};
        if (gen == generation_) disconnect(reply.error().message);
        if (fresh) break;
    }
    co_return std::nullopt;
}

void AnvilClient::release(const std::string& addr, std::uint64_t generation) {
    if (!connected_ || generation != generation_) return;
    send(ipc::with_header(request(ipc::AnvilRequest::Op::Release, addr)));
}

asio::awaitable<bool> AnvilClient::ensure_connected(bool now_or_never) {
    if (connected_) co_return true;
    const auto now = Clock::now();
    if (now < next_try_ && !now_or_never) co_return false;
    next_try_ = now + kRetryInterval;
    ++generation_;
    boost::system::error_code ec;
    sock_.close(ec);
    sock_ = ipc::AsyncSocket(io_);
    arm_deadline();
    auto st = co_await ipc::async_connect_unix(sock_, path_);
    disarm_deadline();
    if (!st) {
        if (!warned_) log::warn("anvil unreachable (%s); counting clients in this process", st.error().message.c_str());
        warned_ = true;
        sock_.close(ec);
        co_return false;
    }
    if (warned_) log::info("anvil reachable again");
    warned_ = false;
    connected_ = true;
    co_return true;
}

void AnvilClient::send(const ipc::AttrList& frame) {
    outbox_ += ipc::encode_frame(frame);
    if (!writing_) {
        writing_ = true;
        asio::co_spawn(io_, writer(), asio::detached);
    }
}

asio::awaitable<void> AnvilClient::writer() {
    while (connected_ && !outbox_.empty()) {
        std::string batch = std::move(outbox_);
        outbox_.clear();
        const std::uint64_t gen = generation_;
        boost::system::error_code ec;
        co_await asio::async_write(sock_, asio::buffer(batch), asio::redirect_error(asio::use_awaitable, ec));
        if (ec && gen == generation_) disconnect(ec.message());
    }
    writing_ = false;
}

void AnvilClient::arm_deadline() {
    const std::uint64_t seq = ++deadline_seq_;
    deadline_.expires_after(kReplyTimeout);
    deadline_.async_wait([this, seq](const boost::system::error_code& ec) {
        if (ec || seq != deadline_seq_) return;
        boost::system::error_code ignored;
        sock_.close(ignored);  // the pending connect or read fails at once
    });
}

void AnvilClient::disconnect(const std::string& why) {
    if (!connected_) return;
    if (!warned_) log::warn("anvil connection lost (%s); counting clients in this process", why.c_str());
    warned_ = true;
    connected_ = false;
    outbox_.clear();
    boost::system::error_code ec;
    sock_.close(ec);
}

}  // namespace postern::smtpd
