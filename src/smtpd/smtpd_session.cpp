// The session loop and its bounded I/O (see the header).
#include "smtpd_session.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/base/log.hpp"

namespace postern::smtpd {

Session::Session(SessionShared& shared, tcp::socket socket, ClientInfo client)
    : shared_(shared),
      stream_(std::move(socket)),
      in_(shared.settings.line_length_limit),
      client_(std::move(client)),
      timer_(stream_.executor()),
      cleanup_(timer_.get_executor()) {}

asio::awaitable<void> Session::run() {
    auto self = shared_from_this();
    const Settings& s = shared_.settings;
    log::info("connect from %s[%s]", client_.name.c_str(), client_.addr.c_str());
    set_deadline(s.timeout);
    reply("220 " + s.banner);
    while (!closing_ && !lost_ && !timed_out_) {
        auto line = in_.next_line();
        if (line.kind == InputBuffer::Kind::None) {
            bool flushed = co_await flush();
            if (!flushed) break;
            bool more = co_await fill();
            if (!more) break;
            continue;
        }
        ++commands_;
        if (line.kind == InputBuffer::Kind::TooLong) reply("500 5.5.2 Error: line too long");
        else co_await dispatch(std::string(line.text), line.crlf);
        if (errors_ >= s.hard_error_limit && !closing_) {
            log::warn("too many errors after %s from %s[%s]", last_verb_.c_str(), client_.name.c_str(), client_.addr.c_str());
            reply("421 4.7.0 " + host() + " Error: too many errors");
            end("too many errors");
        }
        set_deadline(s.timeout);
    }
    cleanup_.abort();  // a message not finished is not queued
    if (timed_out_ && !lost_) {
        log::info("timeout after %s from %s[%s]", last_verb_.c_str(), client_.name.c_str(), client_.addr.c_str());
        timed_out_ = false;
        set_deadline(std::chrono::seconds{10});
        out_ = "421 4.4.2 " + host() + " Error: timeout exceeded\r\n";
    } else if (lost_ && !closing_) {
        log::info("lost connection after %s from %s[%s]", last_verb_.c_str(), client_.name.c_str(), client_.addr.c_str());
    }
    if (!lost_) co_await flush();
    log::info("disconnect from %s[%s] commands=%zu errors=%zu", client_.name.c_str(), client_.addr.c_str(), commands_,
              errors_);
    done_ = true;
    timer_.cancel();
    stream_.close();
}

asio::awaitable<void> Session::watchdog() {
    auto self = shared_from_this();
    while (!done_) {
        if (Clock::now() >= deadline_) {
            timed_out_ = true;
            deadline_ = Clock::time_point::max();
            stream_.cancel();
            cleanup_.cancel();
            continue;
        }
        ErrorCode ec;
        timer_.expires_at(deadline_);
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Session::set_deadline(std::chrono::seconds d) {
    deadline_ = Clock::now() + d;
    if (deadline_ < timer_.expiry()) timer_.cancel();  // wake the watchdog to re-arm earlier
}

asio::awaitable<bool> Session::fill() {
    if (timed_out_ || lost_) co_return false;  // never read past an EOF (edge-triggered epoll would not wake again)
    auto space = in_.space();
    ErrorCode ec;
    std::size_t n = co_await stream_.read_some(space, ec);
    if (ec || timed_out_) {
        lost_ = !timed_out_;
        co_return false;
    }
    in_.commit(n);
    co_return true;
}

asio::awaitable<bool> Session::flush() {
    if (out_.empty()) co_return true;
    if (timed_out_ || lost_) co_return false;
    ErrorCode ec;
    std::string data = std::move(out_);
    out_.clear();
    co_await stream_.write(data, ec);
    if (ec || timed_out_) {
        lost_ = !timed_out_;
        co_return false;
    }
    co_return true;
}

void Session::reply(std::string_view line) {
    if (!line.empty() && (line.front() == '4' || line.front() == '5')) ++errors_;
    out_.append(line);
    out_.append("\r\n");
}

void Session::end(std::string_view why) {
    (void)why;
    closing_ = true;
}

void Session::reset_transaction() {
    cleanup_.abort();
    tx_ = Transaction{};
    bdat_decoder_ = BdatDecoder{};
    cleanup_failed_ = false;
}

void Session::log_reject(std::string_view verb, std::string_view text, std::string_view rcpt) {
    log::info("NOQUEUE: reject: %.*s from %s[%s]: %s; from=<%s> to=<%s> proto=%s helo=<%s>",
              static_cast<int>(verb.size()), verb.data(), client_.name.c_str(), client_.addr.c_str(),
              log::printable(text).c_str(), log::printable(tx_.sender).c_str(), log::printable(rcpt).c_str(),
              esmtp_ ? "ESMTP" : "SMTP", log::printable(client_.helo).c_str());
}

}  // namespace postern::smtpd
