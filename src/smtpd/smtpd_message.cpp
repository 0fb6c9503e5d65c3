// DATA and BDAT: content streamed to cleanup as it arrives, the reply
// after the end of the message decided by what cleanup reports.
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "smtpd_session.hpp"

namespace postern::smtpd {

ipc::CleanupOpen Session::cleanup_request() const {
    ipc::CleanupOpen open;
    open.origin = "smtpd";
    open.sender = tx_.sender;
    open.recipients = tx_.recipients;
    open.client_name = client_.name;
    open.client_addr = client_.addr;
    open.helo = client_.helo;
    open.rcpt_notify = tx_.notify;
    open.rcpt_orcpt = tx_.orcpt;
    open.dsn_ret = tx_.ret;
    open.dsn_envid = tx_.envid;
    return open;
}

asio::awaitable<bool> Session::open_cleanup() {
    set_deadline(shared_.settings.ipc_timeout);
    auto st = co_await cleanup_.open(shared_.settings.cleanup_socket, cleanup_request());
    if (st && !timed_out_) co_return true;
    timed_out_ = false;
    log::warn("%s: cannot hand the message to cleanup: %s", shared_.settings.cleanup_socket.c_str(),
              st ? "timeout" : st.error().message.c_str());
    cleanup_.abort();
    co_return false;
}

// Send decoded content to cleanup unless the message is already refused
// (then it is read and dropped). Stops counting once over the size limit.
asio::awaitable<Status> Session::forward(bool flush) {
    if (cleanup_failed_ || tx_.size > shared_.settings.message_size_limit) {
        tx_.pending.clear();
        co_return Status{};
    }
    auto st = co_await cleanup_.send(tx_.pending, flush);
    if (!st) {
        log::warn("cleanup connection failed: %s", st.error().message.c_str());
        cleanup_failed_ = true;
        cleanup_.abort();
        tx_.pending.clear();
    }
    co_return Status{};
}

std::string Session::content_problem(const ContentFlags& flags, bool bare_is_error) const {
    if (tx_.size > shared_.settings.message_size_limit) return "552 5.3.4 Error: message file too big";
    if (flags.nul) return "550 5.6.0 Error: message contains NUL characters";
    if (bare_is_error && flags.bare_lf) return "550 5.5.2 Error: bare <LF> received";
    if (bare_is_error && flags.bare_cr) return "550 5.5.2 Error: bare <CR> received";
    if (cleanup_failed_) return "451 4.3.0 Error: queue file write error";
    return {};
}

// The end of the content: the one place a 250 for a message is sent, and
// only when cleanup said the queue file is durable.
asio::awaitable<void> Session::finish_message(const ContentFlags& flags, bool bare_is_error, std::string_view verb) {
    std::string problem = content_problem(flags, bare_is_error);
    if (problem.empty()) co_await forward(true);
    problem = content_problem(flags, bare_is_error);
    if (!problem.empty()) {
        log_reject(verb, problem);
        reset_transaction();
        reply(problem);
        co_return;
    }
    set_deadline(shared_.settings.ipc_timeout);
    auto answer = co_await cleanup_.finish(shared_.settings.ipc_limits);
    std::string text;
    if (!answer || timed_out_) {
        timed_out_ = false;
        log::warn("no answer from cleanup: %s", answer ? "timeout" : answer.error().message.c_str());
        text = "451 4.3.0 Error: queue file write error";
    } else if (answer->status == ipc::CleanupReply::Status::Ok) {
        text = "250 2.0.0 Ok: queued as " + log::printable(answer->queue_id, 64);
    } else {
        bool perm = answer->status == ipc::CleanupReply::Status::PermFail;
        std::string dsn = log::printable(answer->dsn, 16);
        if (dsn.size() < 5 || dsn[0] != (perm ? '5' : '4')) dsn = perm ? "5.3.0" : "4.3.0";
        std::string code = !perm ? "451" : dsn == "5.3.4" ? "552" : "554";
        text = code + " " + dsn + " Error: " + log::printable(answer->reason, 200);
        log_reject(verb, text);
    }
    reset_transaction();
    reply(text);
}

asio::awaitable<void> Session::cmd_data(std::string args) {
    if (!trim(args).empty()) reply("501 5.5.4 Syntax: DATA");
    else if (!tx_.mail || tx_.bdat) reply("503 5.5.1 Error: need MAIL command");
    else if (tx_.recipients.empty()) reply("554 5.5.1 Error: no valid recipients");
    else co_await receive_data();
}

// DATA's content, up to the end-of-data mark.
asio::awaitable<void> Session::receive_data() {
    bool opened = co_await open_cleanup();
    if (!opened) {
        reply("451 4.3.0 Error: queue file write error");
        co_return;
    }
    reply("354 End data with <CR><LF>.<CR><LF>");
    bool flushed = co_await flush();
    if (flushed) {
        DataDecoder decoder;
        const Settings& s = shared_.settings;
        while (!decoder.done()) {
            if (in_.buffered() == 0) {
                set_deadline(s.timeout);
                bool more = co_await fill();
                if (!more) co_return;  // lost mid-DATA: run() aborts cleanup, nothing is queued
            }
            std::size_t before = tx_.pending.size();
            in_.consume(decoder.feed(in_.peek(), tx_.pending));
            tx_.size += tx_.pending.size() - before;
            co_await forward(false);
        }
        co_await finish_message(decoder.flags(), s.bare_newline == BareNewline::Reject, "DATA");
    }
}

// Read and drop n content bytes (a chunk that cannot be accepted must
// still be consumed, or its bytes would be read as commands).
asio::awaitable<bool> Session::skip_bytes(std::uint64_t n) {
    std::uint64_t left = n;
    bool ok = true;
    while (ok && left > 0) {
        if (in_.buffered() == 0) {
            set_deadline(shared_.settings.timeout);
            ok = co_await fill();
            continue;
        }
        std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(left, in_.buffered()));
        in_.consume(k);
        left -= k;
    }
    co_return ok;
}

asio::awaitable<bool> Session::receive_chunk(std::uint64_t n, BdatDecoder& decoder) {
    while (n > 0) {
        if (in_.buffered() == 0) {
            set_deadline(shared_.settings.timeout);
            bool more = co_await fill();
            if (!more) co_return false;
        }
        auto bytes = in_.take(static_cast<std::size_t>(std::min<std::uint64_t>(n, in_.buffered())));
        n -= bytes.size();
        std::size_t before = tx_.pending.size();
        decoder.feed(bytes, tx_.pending);
        tx_.size += tx_.pending.size() - before;
        co_await forward(false);
    }
    co_return true;
}

asio::awaitable<void> Session::cmd_bdat(std::string args) {
    auto words = split_list(args, " ");
    bool last = words.size() == 2 && iequals(words[1], "LAST");
    auto size = words.empty() ? std::nullopt : parse_int(words[0]);
    if (!size || *size < 0 || words.size() > 2 || (words.size() == 2 && !last)) {
        // The chunk's length is unknown, so the input cannot be resynchronized.
        reply("554 5.5.4 Error: Syntax: BDAT size [LAST]");
        end("bad BDAT");
        co_return;
    }
    auto n = static_cast<std::uint64_t>(*size);
    if (!tx_.mail || tx_.recipients.empty() || tx_.bdat_failed) {
        std::string refusal = tx_.mail && tx_.recipients.empty() ? "554 5.5.1 Error: no valid recipients"
                                                                 : "503 5.5.1 Error: need MAIL command";
        bool read = co_await skip_bytes(n);
        if (!read) co_return;
        reply(refusal);
        if (last) reset_transaction();
        co_return;
    }
    if (!tx_.bdat) {
        tx_.bdat = true;
        bool opened = co_await open_cleanup();
        if (!opened) cleanup_failed_ = true;
    }
    bool received = co_await receive_chunk(n, bdat_decoder_);
    if (!received) co_return;
    if (!last) {
        std::string problem = content_problem(bdat_decoder_.flags(), false);
        if (problem.empty()) reply("250 2.0.0 Ok: " + std::to_string(n) + " bytes");
        else {
            log_reject("BDAT", problem);
            reply(problem);
            cleanup_.abort();
            tx_.bdat_failed = true;  // RFC 3030: the transaction has failed; later chunks are dropped
        }
        co_return;
    }
    bdat_decoder_.finish(tx_.pending);
    co_await finish_message(bdat_decoder_.flags(), false, "BDAT");
}

}  // namespace postern::smtpd
