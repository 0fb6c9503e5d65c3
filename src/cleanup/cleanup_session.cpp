// The per-connection state machine: Header (collecting the header block),
// Body (streaming to the queue file), Drain (refused: reading and dropping
// the rest so the client can read our answer).
#include "cleanup_session.hpp"

#include <time.h>

#include "cleanup_envelope.hpp"
#include "cleanup_rewrite.hpp"
#include "lib/base/log.hpp"

namespace postern::cleanup {
namespace {

using ReplyStatus = ipc::CleanupReply::Status;

std::string id_of(const std::optional<queue::NewFile>& f) { return f ? f->queue_id : "NOQUEUE"; }

}  // namespace

Session::Session(queue::QueueDir& queue, FileOps& ops, const Settings& settings, int fd)
    : queue_(queue), ops_(ops), settings_(settings), fd_(fd), header_(settings.header_size_limit) {}

Session::~Session() { abandon(); }

void Session::run() {
    auto open = ipc::recv_msg<ipc::CleanupOpen>(fd_, settings_.ipc_limits, settings_.ipc_timeout);
    if (!open) {
        if (open.error().message == "eof") return;  // a hang-up before any request
        log::warn("bad request: %s", log::printable(open.error().message).c_str());
        return reply(ReplyStatus::TempFail, "4.3.0 bad request");
    }
    open_ = std::move(*open);
    if (auto st = start(); !st) {
        log::warn("%s: %s", id_of(file_).c_str(), st.error().message.c_str());
        return reply(ReplyStatus::TempFail, "4.3.0 " + st.error().message);
    }
    if (auto st = receive_content(); !st) {
        std::string id = id_of(file_);
        abandon();
        log::warn("%s: lost connection with client: %s", id.c_str(), log::printable(st.error().message).c_str());
        if (st.error().message != "eof") reply(ReplyStatus::TempFail, "4.3.0 " + st.error().message);
        return;
    }
    finish();
}

Status Session::start() {
    // bounce, double-bounce: qmgr's delivery status notifications; local:
    // mail forwarded to other domains (sender and recipients as given).
    if (open_.origin != "pickup" && open_.origin != "smtpd" && open_.origin != "bounce" &&
        open_.origin != "double-bounce" && open_.origin != "local")
        return make_error("unknown origin \"" + log::printable(open_.origin, 32) + "\"");
    ::clock_gettime(CLOCK_REALTIME, &arrival_);
    auto file = queue_.create(queue::kIncoming);
    if (!file) return make_error("queue file write error: " + file.error().message);
    file_ = std::move(*file);
    writer_.emplace(file_->fd.get(), ops_);
    const char* id = file_->queue_id.c_str();
    if (open_.origin == "pickup")
        log::info("%s: uid=%lld from=<%s>", id, static_cast<long long>(open_.uid), log::printable(open_.sender).c_str());
    else if (open_.origin == "smtpd")
        log::info("%s: client=%s[%s]", id, log::printable(open_.client_name).c_str(),
                  log::printable(open_.client_addr).c_str());
    else
        log::info("%s: origin=%s", id, open_.origin.c_str());
    return {};
}

Status Session::receive_content() {
    const auto& limits = settings_.ipc_limits;
    for (;;) {
        auto frame = ipc::recv_frame(fd_, limits, settings_.ipc_timeout);
        if (!frame) return frame.error();
        std::string type = ipc::peek_type(*frame);
        if (type == ipc::CleanupEnd::kType) {
            auto end = ipc::decode_msg<ipc::CleanupEnd>(*frame, limits);
            return end ? Status{} : Status{end.error()};
        }
        if (type != ipc::CleanupData::kType) return make_error("unexpected message \"" + log::printable(type, 32) + "\"");
        auto data = ipc::decode_msg<ipc::CleanupData>(*frame, limits);
        if (!data) return data.error();
        on_data(data->data);
    }
}

void Session::on_data(std::string_view data) {
    received_ += data.size();
    if (received_ > settings_.message_size_limit) refuse(make_error("5.3.4 message file too big"));
    if (phase_ == Phase::Body) return write(data);
    if (phase_ != Phase::Header) return;
    std::string_view rest = header_.feed(data);
    if (!header_.done()) return;
    begin_body();
    write(header_.held_body());
    write(rest);
}

// The header block is complete: decide, then write envelope and header.
void Session::begin_body() {
    Headers& headers = header_.headers();
    const char* id = file_->queue_id.c_str();
    if (count_received(headers) > settings_.hopcount_limit) return refuse(make_error("5.4.6 too many hops"));
    auto prepared = prepare_envelope(open_, headers, settings_);
    if (!prepared) return refuse(prepared.error());
    if (auto st = rewrite(*prepared, headers); !st) return refuse(st.error());
    for (const auto& bad : prepared->rejected)
        log::warn("%s: ignoring malformed header address: %s", id, log::printable(bad).c_str());
    sender_ = prepared->sender;
    nrcpt_ = prepared->recipients.size();
    MessageInfo info{open_.origin, file_->queue_id, settings_.myhostname, prepared->sender,
                     open_.full_name, open_.uid, open_.helo, open_.client_name, open_.client_addr,
                     prepared->recipients, arrival_.tv_sec};
    apply_header_rules(headers, info);
    if (std::string mid = message_id_of(headers); !mid.empty())
        log::info("%s: message-id=%s", id, log::printable(mid).c_str());
    phase_ = Phase::Body;
    if (auto st = writer_->write_envelope(make_envelope(open_, *prepared, arrival_)); !st)
        return refuse(make_error("4.3.0 queue file write error: " + st.error().message));
    for (const auto& h : headers) write(h.raw);
    write(header_.separator());
}

// canonical and virtual tables; a table failure refuses the message (4.3.0).
Status Session::rewrite(Prepared& prepared, Headers& headers) {
    if (!settings_.tables) return {};
    POSTERN_TRY(rewrite_envelope(*settings_.tables, prepared, settings_.recipient_limit));
    return rewrite_headers(*settings_.tables, headers, settings_.header_size_limit);
}

void Session::write(std::string_view data) {
    if (phase_ != Phase::Body || data.empty()) return;
    if (auto st = writer_->write_data(data); !st)
        refuse(make_error("4.3.0 queue file write error: " + st.error().message));
}

void Session::refuse(const Error& why) {
    if (!refusal_) refusal_ = why;
    phase_ = Phase::Drain;
    abandon();
}

void Session::finish() {
    if (phase_ == Phase::Header) {
        header_.finish();
        begin_body();
        write(header_.held_body());
    }
    std::string id = id_of(file_);
    if (phase_ == Phase::Body) {
        if (auto st = writer_->finish(); !st) refuse(make_error("4.3.0 queue file write error: " + st.error().message));
    }
    if (phase_ == Phase::Body) {
        if (auto st = queue_.commit(*file_); !st) refuse(make_error("4.3.0 queue file write error: " + st.error().message));
    }
    if (refusal_) {
        bool perm = refusal_->message.front() == '5';
        std::string what = log::printable(refusal_->message);
        if (perm) log::info("%s: reject: %s; from=<%s>", id.c_str(), what.c_str(), log::printable(open_.sender).c_str());
        else log::warn("%s: %s", id.c_str(), what.c_str());
        return reply(perm ? ReplyStatus::PermFail : ReplyStatus::TempFail, refusal_->message);
    }
    std::uint64_t size = writer_->content_size();
    file_.reset();  // committed: nothing left to abandon
    reply(ReplyStatus::Ok, "2.0.0 queued as " + id, id);
    log::info("%s: from=<%s>, size=%llu, nrcpt=%zu (queue incoming)", id.c_str(), log::printable(sender_).c_str(),
              static_cast<unsigned long long>(size), nrcpt_);
    if (!settings_.qmgr_trigger.empty()) (void)ipc::send_trigger(settings_.qmgr_trigger);
}

void Session::reply(ReplyStatus status, std::string_view dsn_and_text, std::string_view queue_id) {
    ipc::CleanupReply r;
    r.status = status;
    std::size_t sp = dsn_and_text.find(' ');
    r.dsn = std::string(dsn_and_text.substr(0, sp));
    r.reason = sp == std::string_view::npos ? std::string() : std::string(dsn_and_text.substr(sp + 1));
    r.queue_id = std::string(queue_id);
    if (auto st = ipc::send_msg(fd_, r, settings_.ipc_timeout); !st)
        log::warn("%s: cannot send reply: %s", r.queue_id.empty() ? "NOQUEUE" : r.queue_id.c_str(),
                  st.error().message.c_str());
}

void Session::abandon() {
    if (!file_) return;
    writer_.reset();
    queue_.abandon(*file_);
    file_.reset();
}

}  // namespace postern::cleanup
