// The command table and the handlers of the commands without content.
#include <algorithm>
#include <cctype>

#include "lib/address/address.hpp"
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "smtpd_args.hpp"
#include "smtpd_session.hpp"

namespace postern::smtpd {

using Handler = asio::awaitable<void> (Session::*)(std::string);

// last: RFC 2920 says the command must end a pipelined group; a client
// that sends more behind it without waiting is out of step (or smuggling).
struct CommandSpec {
    std::string_view verb;
    Handler handler;
    bool last;
};

struct CommandTable {
    static constexpr CommandSpec kCommands[] = {
        {"HELO", &Session::cmd_helo, true},  {"EHLO", &Session::cmd_ehlo, true},
        {"MAIL", &Session::cmd_mail, false}, {"RCPT", &Session::cmd_rcpt, false},
        {"DATA", &Session::cmd_data, true},  {"BDAT", &Session::cmd_bdat, false},
        {"RSET", &Session::cmd_rset, false}, {"NOOP", &Session::cmd_noop, false},
        {"QUIT", &Session::cmd_quit, false}, {"HELP", &Session::cmd_help, false},
        {"VRFY", &Session::cmd_vrfy, false}, {"EXPN", &Session::cmd_expn, false},
        {"STARTTLS", &Session::cmd_starttls, false}, {"ETRN", &Session::cmd_etrn, false},
    };
    static const CommandSpec* find(std::string_view verb) {
        for (const auto& c : kCommands)
            if (iequals(c.verb, verb)) return &c;
        return nullptr;
    }
};

namespace {

// Why a command line is unacceptable before it is even parsed, or "".
std::string line_problem(std::string_view line, bool crlf, BareNewline policy) {
    if (line.find('\0') != std::string_view::npos) return "500 5.5.2 Error: NUL character in command";
    if (line.find('\r') != std::string_view::npos) return "500 5.5.2 Error: bare <CR> received";
    if (!crlf && policy == BareNewline::Reject) return "500 5.5.2 Error: bare <LF> received";
    if (trim(line).empty()) return "500 5.5.2 Error: bad syntax";
    return {};
}

}  // namespace

asio::awaitable<void> Session::dispatch(std::string_view line, bool crlf) {
    if (auto problem = line_problem(line, crlf, shared_.settings.bare_newline); !problem.empty()) {
        reply(problem);
        co_return;
    }
    std::string_view verb = line.substr(0, line.find(' '));
    std::string args(verb.size() < line.size() ? line.substr(verb.size() + 1) : std::string_view{});
    const CommandSpec* spec = CommandTable::find(verb);
    if (!spec) {
        last_verb_ = "UNKNOWN";
        reply("502 5.5.2 Error: command not recognized");
        co_return;
    }
    last_verb_ = std::string(spec->verb);
    // Input queued behind a group-ending command, or any pipelining by a
    // client that was not offered PIPELINING: the client does not wait for
    // replies, and what it sent may be meant as mail content.
    bool out_of_step = in_.buffered() > 0 && spec->verb != "QUIT" && spec->verb != "STARTTLS" && (spec->last || !esmtp_);
    if (out_of_step) {
        log::warn("improper command pipelining after %s from %s[%s]", last_verb_.c_str(), client_.name.c_str(),
                  client_.addr.c_str());
        reply("554 5.5.0 Error: SMTP protocol synchronization");
        end("protocol synchronization");
        co_return;
    }
    co_await (this->*spec->handler)(std::move(args));
}

asio::awaitable<void> Session::cmd_helo(std::string args) {
    if (trim(args).empty()) {
        reply("501 5.5.4 Syntax: HELO hostname");
        co_return;
    }
    reset_transaction();
    client_.helo = log::printable(trim(args), 255);
    esmtp_ = false;
    reply("250 " + host());
}

asio::awaitable<void> Session::cmd_ehlo(std::string args) {
    if (trim(args).empty()) {
        reply("501 5.5.4 Syntax: EHLO hostname");
        co_return;
    }
    reset_transaction();
    client_.helo = log::printable(trim(args), 255);
    esmtp_ = true;
    const Settings& s = shared_.settings;
    std::vector<std::string> caps{host(), "PIPELINING", "SIZE " + std::to_string(s.message_size_limit)};
    if (s.vrfy_enabled) caps.push_back("VRFY");
    if (shared_.tls && !stream_.tls_active()) caps.push_back("STARTTLS");
    for (const char* c : {"ETRN", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"}) caps.push_back(c);
    for (std::size_t i = 0; i < caps.size(); ++i) reply((i + 1 < caps.size() ? "250-" : "250 ") + caps[i]);
}

asio::awaitable<void> Session::cmd_mail(std::string args) {
    if (tx_.mail) {
        reply("503 5.5.1 Error: nested MAIL command");
        co_return;
    }
    auto m = parse_mail(args, shared_.settings.message_size_limit);
    if (!m) {
        log_reject("MAIL", m.error().message);
        reply(m.error().message);
        co_return;
    }
    tx_.mail = true;
    tx_.sender = m->sender;
    tx_.smtputf8 = m->smtputf8;
    tx_.ret = m->ret;
    tx_.envid = m->envid;
    reply("250 2.1.0 Ok");
}

asio::awaitable<void> Session::cmd_rcpt(std::string args) {
    if (!tx_.mail) {
        reply("503 5.5.1 Error: need MAIL command");
        co_return;
    }
    if (tx_.recipients.size() >= shared_.settings.recipient_limit) {
        reply("452 4.5.3 Error: too many recipients");
        co_return;
    }
    auto r = parse_rcpt(args, tx_.smtputf8);
    if (!r) {
        log_reject("RCPT", r.error().message);
        reply(r.error().message);
        co_return;
    }
    std::string verdict = shared_.policy.check_recipient(client_, tx_.sender, r->recipient);
    if (!verdict.empty()) {
        log_reject("RCPT", verdict, r->recipient);
        reply(verdict);
        co_return;
    }
    tx_.recipients.push_back(std::move(r->recipient));
    tx_.notify.push_back(r->notify);
    tx_.orcpt.push_back(r->orcpt);
    reply("250 2.1.5 Ok");
}

asio::awaitable<void> Session::cmd_rset(std::string args) {
    if (!trim(args).empty()) reply("501 5.5.4 Syntax: RSET");
    else {
        reset_transaction();
        reply("250 2.0.0 Ok");
    }
    co_return;
}

asio::awaitable<void> Session::cmd_noop(std::string) {
    reply("250 2.0.0 Ok");
    co_return;
}

asio::awaitable<void> Session::cmd_quit(std::string) {
    reply("221 2.0.0 Bye");
    end("quit");
    co_return;
}

asio::awaitable<void> Session::cmd_help(std::string) {
    reply("214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT HELP VRFY STARTTLS ETRN");
    co_return;
}

asio::awaitable<void> Session::cmd_vrfy(std::string args) {
    if (!shared_.settings.vrfy_enabled) {
        reply("502 5.5.1 VRFY command is disabled");
        co_return;
    }
    std::string_view a = trim(args);
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    auto mailbox = address::check_smtp_mailbox(a, {false, false});
    if (a.empty() || !mailbox) {
        reply("501 5.1.3 Bad recipient address syntax");
        co_return;
    }
    reply(shared_.policy.verify(*mailbox));
}

asio::awaitable<void> Session::cmd_expn(std::string) {
    reply("502 5.5.1 EXPN command is disabled");
    co_return;
}

asio::awaitable<void> Session::cmd_starttls(std::string args) {
    if (!shared_.tls) {
        reply("502 5.5.1 Error: command not implemented");
        co_return;
    }
    if (stream_.tls_active()) {
        reply("554 5.5.1 Error: TLS already active");
        co_return;
    }
    if (!trim(args).empty()) {
        reply("501 5.5.4 Syntax: STARTTLS");
        co_return;
    }
    // RFC 3207: nothing the client sent before the handshake may count as
    // a command afterwards (the STARTTLS command-injection attacks).
    in_.clear();
    reply("220 2.0.0 Ready to start TLS");
    bool flushed = co_await flush();
    if (!flushed) co_return;
    set_deadline(shared_.settings.tls_handshake_timeout);
    ErrorCode ec;
    co_await stream_.start_tls(*shared_.tls, ec);
    if (ec || timed_out_) {
        log::warn("TLS handshake failed with %s[%s]: %s", client_.name.c_str(), client_.addr.c_str(),
                  ec.message().c_str());
        lost_ = true;  // nothing more can be said in the clear
        end("TLS handshake");
        co_return;
    }
    log::info("TLS established with %s[%s]: %s", client_.name.c_str(), client_.addr.c_str(),
              stream_.tls_description().c_str());
    reset_transaction();
    client_.helo.clear();
    esmtp_ = false;
}

}  // namespace postern::smtpd
