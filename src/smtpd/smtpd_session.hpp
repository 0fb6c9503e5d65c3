// One SMTP session, run as a coroutine on the process's io_context (many
// per process). The protocol engine is a command table (smtpd_commands.cpp)
// plus the content paths DATA and BDAT (smtpd_message.cpp); this file's
// class holds the state they share and the bounded I/O:
//   - input goes through a fixed-size InputBuffer ($line_length_limit);
//   - replies are queued and flushed when the client has nothing more
//     pipelined, so a PIPELINING group gets one write;
//   - one deadline per command line, content read or reply write
//     ($smtpd_timeout), enforced by a timer that cancels the socket;
//   - every 4xx/5xx reply counts towards $smtpd_hard_error_limit.
// Nothing here trusts the client: a failure ends this session only.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "smtpd_cleanup.hpp"
#include "smtpd_content.hpp"
#include "smtpd_input.hpp"
#include "smtpd_policy.hpp"
#include "smtpd_settings.hpp"
#include "smtpd_stream.hpp"

namespace postern::smtpd {

// What every session of a process shares; owned by the Server.
struct SessionShared {
    const Settings& settings;
    Policy& policy;
    asio::ssl::context* tls = nullptr;  // nullptr: no STARTTLS
};

struct Transaction {
    bool mail = false;
    std::string sender;
    bool smtputf8 = false;
    std::vector<std::string> recipients;
    std::vector<std::string> notify;  // RFC 3461, parallel to recipients
    std::vector<std::string> orcpt;
    std::string ret;
    std::string envid;
    // BDAT in progress: cleanup is open and chunks are flowing.
    bool bdat = false;
    bool bdat_failed = false;
    std::uint64_t size = 0;
    std::string pending;  // decoded content not yet sent to cleanup
};

class Session : public std::enable_shared_from_this<Session> {
public:
    using Clock = std::chrono::steady_clock;

    Session(SessionShared& shared, tcp::socket socket, ClientInfo client);

    // The whole session; returns when it is over and the socket is closed.
    asio::awaitable<void> run();
    // Cancels the socket when the deadline passes; ends with the session.
    asio::awaitable<void> watchdog();

    const ClientInfo& client() const { return client_; }

    // Command handlers (smtpd_commands.cpp, smtpd_message.cpp); args is the
    // text after the verb, leading space removed.
    asio::awaitable<void> cmd_helo(std::string args);
    asio::awaitable<void> cmd_ehlo(std::string args);
    asio::awaitable<void> cmd_mail(std::string args);
    asio::awaitable<void> cmd_rcpt(std::string args);
    asio::awaitable<void> cmd_data(std::string args);
    asio::awaitable<void> cmd_bdat(std::string args);
    asio::awaitable<void> cmd_rset(std::string args);
    asio::awaitable<void> cmd_noop(std::string args);
    asio::awaitable<void> cmd_quit(std::string args);
    asio::awaitable<void> cmd_help(std::string args);
    asio::awaitable<void> cmd_vrfy(std::string args);
    asio::awaitable<void> cmd_expn(std::string args);
    asio::awaitable<void> cmd_starttls(std::string args);
    asio::awaitable<void> cmd_etrn(std::string args);  // smtpd_etrn.cpp

private:
    friend struct CommandTable;

    asio::awaitable<void> dispatch(std::string_view line, bool crlf);
    asio::awaitable<bool> fill();   // read more input; false: EOF, error or timeout
    asio::awaitable<bool> flush();  // write queued replies; false on failure
    void reply(std::string_view line);
    void set_deadline(std::chrono::seconds d);
    void reset_transaction();
    void end(std::string_view why);  // stop after flushing what is queued
    void log_reject(std::string_view verb, std::string_view reply, std::string_view rcpt = {});
    std::string host() const { return shared_.settings.myhostname; }

    // DATA/BDAT helpers (smtpd_message.cpp)
    ipc::CleanupOpen cleanup_request() const;
    asio::awaitable<bool> open_cleanup();
    asio::awaitable<void> receive_data();
    asio::awaitable<Status> forward(bool flush);
    asio::awaitable<bool> skip_bytes(std::uint64_t n);
    asio::awaitable<bool> receive_chunk(std::uint64_t n, BdatDecoder& decoder);
    asio::awaitable<void> finish_message(const ContentFlags& flags, bool bare_is_error, std::string_view verb);
    std::string content_problem(const ContentFlags& flags, bool bare_is_error) const;

    SessionShared& shared_;
    Stream stream_;
    InputBuffer in_;
    ClientInfo client_;
    std::string out_;
    asio::steady_timer timer_;
    Clock::time_point deadline_;
    CleanupClient cleanup_;
    Transaction tx_;
    BdatDecoder bdat_decoder_;
    bool esmtp_ = false;
    bool closing_ = false;
    bool done_ = false;
    bool timed_out_ = false;
    bool lost_ = false;  // the client went away (EOF or error)
    bool cleanup_failed_ = false;
    std::size_t errors_ = 0;
    std::size_t commands_ = 0;
    std::string last_verb_ = "CONNECT";
};

}  // namespace postern::smtpd
