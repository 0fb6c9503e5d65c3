// The client protocol engine (see the header). Every step returns false
// when the session is over; the outcome is then in result_.
#include "smtp_session.hpp"

#include <algorithm>
#include <map>
#include <optional>

#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "smtp_content.hpp"

namespace postern::smtp {
namespace {

constexpr std::size_t kWriteChunk = 65536;
// QUIT is best effort: the outcome is decided already; do not wait long.
constexpr Millis kQuitTimeout{2000};

Result<Reply> read_reply(Connection& conn, const SessionSettings& s) {
    ReplyParser parser(s.reply_lines);
    for (;;) {
        auto line = conn.read_line(s.line_limit, s.reply_timeout);
        if (!line) return line.error();
        auto done = parser.feed(*line);
        if (!done) return done.error();
        if (*done) return parser.take();
    }
}

void send_quit(Connection& conn) {
    auto w = conn.write("QUIT\r\n", kQuitTimeout);
    (void)w;
}

class Session {
public:
    Session(const Transaction& tx, const ServerTarget& target, const SessionSettings& s, bool keep_open)
        : tx_(tx), target_(target), s_(s), keep_open_(keep_open) {
        result_.recipients.resize(tx.recipients.size());
    }
    Session(const Transaction& tx, OpenSession open, const SessionSettings& s, bool keep_open)
        : Session(tx, open.target, s, keep_open) {
        conn_.emplace(std::move(open.conn));
        ext_ = std::move(open.ext);
        resumed_ = true;
    }
    SessionResult run();

private:
    bool greet();
    bool ehlo();
    bool starttls();
    bool size_refused();
    void rcpt_reply(std::size_t i, const Reply& r);
    bool send_envelope();
    bool send_data();
    void quit();

    Result<Reply> read_reply();
    Result<Reply> command(const std::string& line);
    bool fail(std::string text, char cls = '4');
    bool fail_reply(const Reply& r, std::string_view in_reply_to);
    std::string said(const Reply& r, std::string_view in_reply_to) const;
    std::string mail_command() const;
    std::string rcpt_command(const OutRecipient& r) const;
    void finish_all(const Reply& r, std::string_view in_reply_to, bool only_accepted);

    const Transaction& tx_;
    const ServerTarget target_;
    const SessionSettings& s_;
    const bool keep_open_;
    bool resumed_ = false;        // conn_ came from an earlier transaction
    bool mail_answered_ = false;  // the server answered MAIL FROM (not with 421)
    std::optional<Connection> conn_;
    SessionResult result_;
    std::map<std::string, std::string> ext_;  // EHLO keyword (upper case) -> parameters
    std::vector<bool> accepted_;
};

Result<Reply> Session::read_reply() { return smtp::read_reply(*conn_, s_); }

Result<Reply> Session::command(const std::string& line) {
    if (auto w = conn_->write(line + "\r\n", s_.reply_timeout); !w) return w.error();
    return read_reply();
}

bool Session::fail(std::string text, char cls) {
    result_.server_error = std::move(text);
    result_.server_error_class = cls;
    // A reused connection the server dropped while idle: not this request's fault.
    result_.stale = resumed_ && !mail_answered_;
    return false;
}

std::string Session::said(const Reply& r, std::string_view in_reply_to) const {
    return "host " + target_.host + "[" + target_.address + "] said: " + r.text() + " (in reply to " +
           std::string(in_reply_to) + " command)";
}

// 421 or an unusable reply at session level: the next MX may do better.
bool Session::fail_reply(const Reply& r, std::string_view in_reply_to) {
    return fail(said(r, in_reply_to), r.code == 421 ? '4' : r.cls());
}

bool Session::greet() {
    auto conn = Connection::open(target_.address, target_.port, s_.connect_timeout);
    if (!conn) return fail("connect to " + target_.label() + ": " + conn.error().message);
    conn_.emplace(std::move(*conn));
    auto r = read_reply();
    if (!r) return fail("lost connection with " + target_.label() + " while receiving the initial server greeting: " +
                        r.error().message);
    if (r->cls() != '2') return fail_reply(*r, "the initial server greeting");
    return true;
}

bool Session::ehlo() {
    ext_.clear();
    auto r = command("EHLO " + s_.helo_name);
    if (!r) return fail("lost connection with " + target_.label() + " while sending EHLO: " + r.error().message);
    if (r->code == 421) return fail_reply(*r, "EHLO");
    if (r->cls() != '2') {
        r = command("HELO " + s_.helo_name);
        if (!r) return fail("lost connection with " + target_.label() + " while sending HELO: " + r.error().message);
        if (r->cls() != '2') return fail_reply(*r, "HELO");
        return true;
    }
    for (std::size_t i = 1; i < r->lines.size(); ++i) {
        std::string_view line = trim(r->lines[i]);
        auto sp = line.find(' ');
        std::string key = lowercase(line.substr(0, sp));
        for (auto& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        ext_[key] = sp == std::string_view::npos ? "" : std::string(trim(line.substr(sp + 1)));
    }
    return true;
}

bool Session::starttls() {
    const TlsClient* tls = s_.tls;
    if (!tls || tls->level() == TlsLevel::None) return true;
    bool required = tls->level() == TlsLevel::Encrypt || tls->level() == TlsLevel::Verify;
    if (!ext_.contains("STARTTLS")) {
        if (!required) return true;
        return fail("TLS is required, but was not offered by host " + target_.label());
    }
    auto r = command("STARTTLS");
    if (!r) return fail("lost connection with " + target_.label() + " while sending STARTTLS: " + r.error().message);
    if (r->cls() != '2') {
        if (!required && r->code != 421) return true;
        return fail_reply(*r, "STARTTLS");
    }
    if (auto st = conn_->start_tls(*tls, target_.host, s_.tls_timeout); !st) {
        result_.tls_failed = !required;
        return fail("TLS with " + target_.label() + " failed: " + st.error().message);
    }
    log::info("%s: %s TLS connection established to %s: %s", tx_.queue_id.c_str(),
              tls->level() == TlsLevel::Verify ? "Verified" : "Anonymous", target_.label().c_str(),
              conn_->tls_summary().c_str());
    return ehlo();
}

std::string xtext_param(std::string_view s) { return xtext(s); }

std::string Session::mail_command() const {
    std::string cmd = "MAIL FROM:<" + tx_.sender + ">";
    if (ext_.contains("SIZE")) cmd += " SIZE=" + std::to_string(tx_.size);
    if (tx_.eight_bit && ext_.contains("8BITMIME")) cmd += " BODY=8BITMIME";
    if (ext_.contains("DSN")) {
        if (!tx_.ret.empty()) cmd += " RET=" + tx_.ret;
        if (!tx_.envid.empty()) cmd += " ENVID=" + xtext_param(tx_.envid);
    }
    return cmd;
}

std::string Session::rcpt_command(const OutRecipient& r) const {
    std::string cmd = "RCPT TO:<" + r.address + ">";
    if (ext_.contains("DSN")) {
        if (!r.notify.empty()) cmd += " NOTIFY=" + r.notify;
        if (!r.orcpt.empty()) {
            auto semi = r.orcpt.find(';');
            if (semi != std::string::npos) cmd += " ORCPT=" + r.orcpt.substr(0, semi + 1) + xtext(r.orcpt.substr(semi + 1));
        }
    }
    return cmd;
}

void Session::finish_all(const Reply& r, std::string_view in_reply_to, bool only_accepted) {
    for (std::size_t i = 0; i < result_.recipients.size(); ++i) {
        auto& o = result_.recipients[i];
        if (o.state != RcptState::Pending || (only_accepted && !accepted_[i])) continue;
        o.state = r.cls() == '2' ? RcptState::Delivered : r.cls() == '5' ? RcptState::Bounced : RcptState::Deferred;
        o.dsn = r.enhanced().empty() ? std::string(1, r.cls()) + ".0.0" : r.enhanced();
        o.reason = o.state == RcptState::Delivered ? r.text() : said(r, in_reply_to);
    }
}

// A message larger than the server's SIZE bounces without being sent.
bool Session::size_refused() {
    auto it = ext_.find("SIZE");
    if (it == ext_.end()) return false;
    auto limit = parse_int(it->second);
    if (!limit || *limit <= 0 || tx_.size <= static_cast<std::uint64_t>(*limit)) return false;
    Reply r{552, {"5.3.4 Message size exceeds fixed limit of " + it->second + " bytes"}};
    finish_all(r, "MAIL FROM", false);
    for (auto& o : result_.recipients)
        o.reason = "message size " + std::to_string(tx_.size) + " exceeds size limit " + it->second + " of server " +
                   target_.label();
    return true;
}

void Session::rcpt_reply(std::size_t i, const Reply& r) {
    if (r.cls() == '2') {
        accepted_[i] = true;
        return;
    }
    auto& o = result_.recipients[i];
    o.state = r.cls() == '5' ? RcptState::Bounced : RcptState::Deferred;
    o.dsn = r.enhanced().empty() ? std::string(1, r.cls()) + ".0.0" : r.enhanced();
    o.reason = said(r, "RCPT TO");
}

// MAIL, RCPT... and DATA: pipelined in one write when the server allows.
bool Session::send_envelope() {
    if (size_refused()) return false;
    bool pipelining = ext_.contains("PIPELINING");
    std::vector<std::string> cmds{mail_command()};
    for (const auto& r : tx_.recipients) cmds.push_back(rcpt_command(r));
    cmds.push_back("DATA");
    if (pipelining) {
        std::string batch;
        for (const auto& c : cmds) batch += c + "\r\n";
        if (auto w = conn_->write(batch, s_.reply_timeout); !w)
            return fail("lost connection with " + target_.label() + " while sending MAIL FROM: " + w.error().message);
    }
    accepted_.assign(tx_.recipients.size(), false);
    std::optional<Reply> mail_refused;
    auto accepted = [&] { return std::count(accepted_.begin(), accepted_.end(), true); };
    for (std::size_t i = 0; i < cmds.size(); ++i) {
        bool is_data = i + 1 == cmds.size();
        std::string_view what = i == 0 ? "MAIL FROM" : is_data ? "DATA" : "RCPT TO";
        if (!pipelining && is_data && (mail_refused || accepted() == 0)) break;
        auto r = pipelining ? read_reply() : command(cmds[i]);
        if (!r) return fail("lost connection with " + target_.label() + " while sending " + std::string(what) + ": " +
                            r.error().message);
        if (r->code == 421) return fail_reply(*r, what);
        if (i == 0) {
            mail_answered_ = true;
            if (r->cls() != '2') mail_refused = *r;
        } else if (!is_data) {
            if (!mail_refused) rcpt_reply(i - 1, *r);
        } else if (!mail_refused && accepted() > 0 && r->code != 354) {
            finish_all(*r, "DATA", true);
            return false;
        }
    }
    if (mail_refused) {
        finish_all(*mail_refused, "MAIL FROM", false);
        return false;
    }
    return accepted() > 0;
}

bool Session::send_data() {
    DataEncoder enc;
    std::string out;
    Status st = tx_.content([&](std::string_view chunk) -> Status {
        enc.encode(chunk, out);
        if (out.size() < kWriteChunk) return {};
        auto w = conn_->write(out, s_.reply_timeout);
        out.clear();
        return w;
    });
    if (!st) return fail("lost connection with " + target_.label() + " while sending message content: " +
                         st.error().message);
    if (tx_.still_wanted && !tx_.still_wanted()) return fail("delivery request withdrawn before end of data");
    enc.finish(out);
    if (auto w = conn_->write(out, s_.reply_timeout); !w)
        return fail("lost connection with " + target_.label() + " while sending end of data: " + w.error().message);
    auto r = read_reply();
    if (!r) {
        // The server may have taken the message: defer, never try another MX now.
        Reply lost{451, {"4.4.2 lost connection with " + target_.label() +
                         " while sending end of data -- message may be sent more than once"}};
        finish_all(lost, "end of DATA", true);
        return false;
    }
    finish_all(*r, "end of DATA", true);
    return true;
}

void Session::quit() {
    if (conn_) send_quit(*conn_);
}

SessionResult Session::run() {
    bool ready = resumed_ || (greet() && ehlo() && starttls());
    bool in_step = ready && send_envelope() && send_data();
    if (in_step && keep_open_) {
        result_.open.emplace(OpenSession{target_, std::move(*conn_), std::move(ext_)});
        conn_.reset();
    }
    quit();
    return std::move(result_);
}

}  // namespace

std::string xtext(std::string_view s) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (c < 33 || c > 126 || c == '+' || c == '=') {
            out += '+';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

SessionResult run_session(const Transaction& tx, const ServerTarget& target, const SessionSettings& settings,
                          bool keep_open) {
    return Session(tx, target, settings, keep_open).run();
}

SessionResult resume_session(const Transaction& tx, OpenSession session, const SessionSettings& settings,
                             bool keep_open) {
    return Session(tx, std::move(session), settings, keep_open).run();
}

bool reset_session(OpenSession& session, const SessionSettings& settings) {
    if (auto w = session.conn.write("RSET\r\n", settings.reply_timeout); !w) return false;
    auto r = read_reply(session.conn, settings);
    return r && r->code == 250;
}

void quit_session(OpenSession& session) { send_quit(session.conn); }

}  // namespace postern::smtp
