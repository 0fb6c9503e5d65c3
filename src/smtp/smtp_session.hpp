// One SMTP conversation with one server address, for one message and a
// batch of its recipients (OpenSMTPD's client, reduced to what a relay
// needs): greeting, EHLO (HELO when EHLO is refused), STARTTLS by
// $smtp_tls_security_level, MAIL FROM with SIZE/BODY/RET/ENVID, one RCPT TO
// per recipient with NOTIFY/ORCPT (DSN parameters only to servers that
// offer DSN), DATA, QUIT. With PIPELINING the MAIL/RCPT/DATA group goes out
// in one write and the replies are read in order.
//
// Outcome per recipient: Delivered, Deferred (4xx), Bounced (5xx), or left
// Pending when the server could not be used at all (no connection, 421,
// timeout or lost connection before the end of DATA, broken protocol): the
// caller then tries the next MX address. After the final "." was sent, a
// lost reply defers (the message may already have been taken).
//
// Connection reuse: asked to keep_open, a session whose transaction ended
// in step (the final reply read) is handed back as an OpenSession instead
// of QUIT; reset_session() sends RSET on it, resume_session() runs the next
// transaction starting at MAIL FROM. When a resumed connection proves dead
// before MAIL FROM is answered (write fails, EOF, timeout, 421) the result
// is marked stale: nothing happened, every recipient is still Pending, and
// the caller connects afresh for the same request.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "smtp_conn.hpp"
#include "smtp_reply.hpp"
#include "smtp_tls.hpp"

namespace postern::smtp {

struct OutRecipient {
    std::string address;
    std::string orcpt;   // RFC 3461 "rfc822;addr" or "" (xtext-encoded on the wire)
    std::string notify;  // "NEVER" or a list of SUCCESS,FAILURE,DELAY, or ""
};

using ContentSink = std::function<Status(std::string_view)>;

struct Transaction {
    std::string queue_id;  // for log lines
    std::string sender;
    std::vector<OutRecipient> recipients;
    std::uint64_t size = 0;  // content bytes (for SIZE=)
    bool eight_bit = false;
    std::string ret;    // "FULL" / "HDRS" / ""
    std::string envid;  // "" = none
    // Streams the stored content ("\n" line ends) to sink.
    std::function<Status(const ContentSink&)> content;
    // Asked before the final "." commits the message: false when nobody
    // would learn the outcome (qmgr went away), so the transaction is
    // abandoned and the recipients stay Pending instead of being delivered
    // now and again after qmgr's restart.
    std::function<bool()> still_wanted;
};

struct ServerTarget {
    std::string host;     // name as found (for logs, SNI, verification)
    std::string address;  // numeric
    int port = 25;
    std::string label() const { return host + "[" + address + "]:" + std::to_string(port); }
};

struct SessionSettings {
    std::string helo_name = "localhost";
    Millis connect_timeout{30000};
    Millis reply_timeout{300000};
    Millis tls_timeout{60000};
    std::size_t reply_lines = 100;
    std::size_t line_limit = 2048;
    const TlsClient* tls = nullptr;  // null or level None: no STARTTLS
};

enum class RcptState { Pending, Delivered, Deferred, Bounced };

struct RcptOutcome {
    RcptState state = RcptState::Pending;
    std::string dsn;     // "2.0.0", "4.2.0", "5.1.1"
    std::string reason;  // "host X[addr] said: 550 5.1.1 ... (in reply to RCPT TO command)"
};

// A session between transactions: greeted, EHLO done (again after
// STARTTLS when TLS is used), no transaction open.
struct OpenSession {
    ServerTarget target;
    Connection conn;
    std::map<std::string, std::string> ext;  // EHLO keyword (upper case) -> parameters
};

struct SessionResult {
    std::vector<RcptOutcome> recipients;  // one per Transaction recipient
    std::string server_error;             // why recipients were left Pending
    char server_error_class = '4';        // '5' when the server refused us for good
    bool tls_failed = false;              // level may: retry this server without TLS
    bool stale = false;                   // resume_session: dead before MAIL FROM was answered
    std::optional<OpenSession> open;      // keep_open and the transaction ended in step
};

SessionResult run_session(const Transaction& tx, const ServerTarget& target, const SessionSettings& settings,
                          bool keep_open = false);
SessionResult resume_session(const Transaction& tx, OpenSession session, const SessionSettings& settings,
                             bool keep_open = false);

// RSET; true when the server answered 250 and the session can be cached.
bool reset_session(OpenSession& session, const SessionSettings& settings);
// QUIT without waiting for the reply (best effort); the socket closes when
// session is destroyed.
void quit_session(OpenSession& session);

// RFC 3461 xtext: '+', '=', controls, spaces and non-ASCII as "+HH".
std::string xtext(std::string_view s);

}  // namespace postern::smtp
