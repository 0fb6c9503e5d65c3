// sendmail -bs (see the header): a verb table, one handler per verb.
#include "sendmail_smtp.hpp"

#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "lib/address/address.hpp"
#include "lib/base/line_reader.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "sendmail_submit.hpp"

namespace postern::sendmail {
namespace {

constexpr std::size_t kMaxCommand = 2048;
constexpr int kMaxErrors = 20;

struct Session {
    const Options& options;
    const config::Config& cfg;
    LineReader reader;
    int out_fd;
    std::optional<Transcript> transcript;
    std::string hostname;
    bool have_sender = false;
    Options message;  // -f/-N/-R/-V for the current transaction
    std::vector<queue::Recipient> recipients;
    int errors = 0;
    bool quit = false;
    bool write_failed = false;

    Session(const Options& o, const config::Config& c, int in, int out)
        : options(o), cfg(c), reader(in, kMaxCommand), out_fd(out), message(o) {}

    void reply(std::string_view text) {
        if (transcript) {
            for (std::string_view rest = text; !rest.empty();) {
                auto nl = rest.find('\n');
                transcript->sent(rest.substr(0, nl));
                rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
            }
        }
        std::string out;
        for (char c : text) {
            if (c == '\n') out += '\r';
            out += c;
        }
        out += "\r\n";
        if (write_failed) return;
        std::string_view rest = out;
        while (!rest.empty()) {
            ssize_t n = ::write(out_fd, rest.data(), rest.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                write_failed = true;
                return;
            }
            rest.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    void error(std::string_view text) {
        ++errors;
        reply(text);
    }
    void reset() {
        have_sender = false;
        message = options;
        message.sender.reset();
        recipients.clear();
    }
};

using Handler = void (*)(Session&, std::string_view args);

// "FROM:<addr> K=V ..." -> (addr, params); nullopt when malformed.
struct PathArgs {
    std::string path;
    std::vector<std::pair<std::string, std::string>> params;
};

std::optional<PathArgs> parse_path(std::string_view args, std::string_view keyword) {
    if (args.size() < keyword.size() || !iequals(args.substr(0, keyword.size()), keyword)) return std::nullopt;
    args = trim(args.substr(keyword.size()));
    if (args.empty() || args.front() != '<') return std::nullopt;
    bool quoted = false;
    std::size_t end = 1;
    for (; end < args.size(); ++end) {
        if (args[end] == '\\' && quoted) ++end;
        else if (args[end] == '"') quoted = !quoted;
        else if (args[end] == '>' && !quoted) break;
    }
    if (end >= args.size()) return std::nullopt;
    PathArgs out;
    out.path = std::string(args.substr(1, end - 1));
    for (std::string_view rest = trim(args.substr(end + 1)); !rest.empty();) {
        auto sp = rest.find(' ');
        std::string_view word = rest.substr(0, sp);
        rest = sp == std::string_view::npos ? std::string_view{} : trim(rest.substr(sp + 1));
        auto eq = word.find('=');
        out.params.emplace_back(lowercase(word.substr(0, eq)),
                                eq == std::string_view::npos ? std::string{} : std::string(word.substr(eq + 1)));
    }
    return out;
}

std::optional<std::string> check_address(std::string_view text) {
    address::SmtpOptions opts;
    opts.require_domain = false;
    auto r = address::check_smtp_mailbox(text, opts);
    if (!r) return std::nullopt;
    return *r;
}

void cmd_helo(Session& s, std::string_view args) {
    if (args.empty()) return s.error("501 5.5.4 Syntax: HELO hostname");
    s.reset();
    s.reply("250 " + s.hostname);
}

void cmd_ehlo(Session& s, std::string_view args) {
    if (args.empty()) return s.error("501 5.5.4 Syntax: EHLO hostname");
    s.reset();
    s.reply("250-" + s.hostname + "\n250-PIPELINING\n250-SIZE " +
            std::to_string(s.cfg.get(config::params::message_size_limit)) + "\n250-8BITMIME\n250-DSN\n250 ENHANCEDSTATUSCODES");
}

// MAIL parameters: SIZE (checked), BODY, RET, ENVID; others are refused.
bool apply_mail_params(Session& s, const PathArgs& p) {
    for (const auto& [key, value] : p.params) {
        if (key == "size") {
            if (value.size() > 19 || value.find_first_not_of("0123456789") != std::string::npos || value.empty())
                return s.error("501 5.5.4 Bad SIZE parameter"), false;
            if (std::stoull(value) > s.cfg.get(config::params::message_size_limit))
                return s.error("552 5.3.4 Message size exceeds fixed limit"), false;
        } else if (key == "body") {
            std::string v = lowercase(value);
            if (v != "7bit" && v != "8bitmime") return s.error("501 5.5.4 Bad BODY parameter"), false;
            s.message.body_type = v == "7bit" ? "7BIT" : "8BITMIME";
        } else if (key == "ret") {
            auto v = dsn_ret_value(value);
            if (!v) return s.error("501 5.5.4 Bad RET parameter"), false;
            s.message.dsn_ret = *v;
        } else if (key == "envid") {
            if (!valid_envid(value)) return s.error("501 5.5.4 Bad ENVID parameter"), false;
            s.message.dsn_envid = value;
        } else {
            return s.error("555 5.5.4 Unsupported option: " + key), false;
        }
    }
    return true;
}

void cmd_mail(Session& s, std::string_view args) {
    if (s.have_sender) return s.error("503 5.5.1 Error: nested MAIL command");
    auto p = parse_path(args, "FROM:");
    if (!p) return s.error("501 5.5.4 Syntax: MAIL FROM:<address>");
    std::optional<std::string> sender = p->path.empty() ? std::string{} : check_address(p->path);
    if (!sender) return s.error("553 5.1.7 <" + p->path + ">: Sender address rejected: malformed address");
    if (!apply_mail_params(s, *p)) return;
    s.message.sender = *sender;
    s.message.sender_flag = 'f';
    s.have_sender = true;
    s.reply("250 2.1.0 Ok");
}

void cmd_rcpt(Session& s, std::string_view args) {
    if (!s.have_sender) return s.error("503 5.5.1 Error: need MAIL command");
    auto p = parse_path(args, "TO:");
    if (!p) return s.error("501 5.5.4 Syntax: RCPT TO:<address>");
    auto rcpt = p->path.empty() ? std::nullopt : check_address(p->path);
    if (!rcpt) return s.error("553 5.1.3 <" + p->path + ">: Recipient address rejected: malformed address");
    if (static_cast<long long>(s.recipients.size()) >= s.cfg.get(config::params::recipient_limit))
        return s.error("452 4.5.3 Error: too many recipients");
    queue::Recipient r{*rcpt, "", ""};
    for (const auto& [key, value] : p->params) {
        if (key == "notify") {
            auto v = dsn_notify_value(value);
            if (!v) return s.error("501 5.5.4 Bad NOTIFY parameter");
            r.notify = *v;
        } else if (key == "orcpt") {
            if (value.empty() || value.size() > 500) return s.error("501 5.5.4 Bad ORCPT parameter");
            r.orcpt = value;
        } else {
            return s.error("555 5.5.4 Unsupported option: " + key);
        }
    }
    s.recipients.push_back(std::move(r));
    s.reply("250 2.1.5 Ok");
}

// Read and drop the rest of a DATA section after an early refusal.
void drain_data(Session& s) {
    std::string line;
    bool at_start = true;
    for (;;) {
        auto st = s.reader.read(line);
        if (st == LineReader::Status::Line && at_start && line == ".") return;
        if (st != LineReader::Status::Line && st != LineReader::Status::TooLong) return;
        at_start = st == LineReader::Status::Line;
    }
}

std::string data_reply(const SubmitResult& r) {
    if (r.code == ex::kOk) return "250 2.0.0 Ok: queued";
    std::string why = r.message;
    for (const auto& m : r.postdrop_messages) why += (why.empty() ? "" : "; ") + m;
    if (r.message == "message too large") return "552 5.3.4 Message size exceeds fixed limit";
    if (r.code == ex::kDataErr) return "554 5.6.0 Error: " + why;
    return "451 4.3.0 Error: queue file write error: " + why;
}

void cmd_data(Session& s, std::string_view) {
    if (!s.have_sender) return s.error("503 5.5.1 Error: need MAIL command");
    if (s.recipients.empty()) return s.error("554 5.5.1 Error: no valid recipients");
    s.reply("354 End data with <CR><LF>.<CR><LF>");
    queue::Envelope env = build_envelope(s.message);
    env.recipients = s.recipients;
    bool complete = false, eof = false;
    auto r = submit_message(
        s.message, s.cfg, env,
        [&](std::uint64_t budget, const Sink& sink) {
            auto in = copy_message(s.reader, DotMode::Smtp, budget, sink);
            complete = in.kind == InputResult::Kind::Ok;
            eof = in.kind == InputResult::Kind::ReadError;
            return in;
        },
        s.transcript ? &*s.transcript : nullptr);
    if (eof) {
        s.quit = true;
        return;
    }
    if (!complete) drain_data(s);
    s.reply(data_reply(r));
    s.reset();
}

void cmd_rset(Session& s, std::string_view) {
    s.reset();
    s.reply("250 2.0.0 Ok");
}
void cmd_noop(Session& s, std::string_view) { s.reply("250 2.0.0 Ok"); }
void cmd_vrfy(Session& s, std::string_view) { s.reply("252 2.0.0 Cannot VRFY user; try RCPT to attempt delivery"); }
void cmd_help(Session& s, std::string_view) {
    s.reply("214 2.0.0 Commands: HELO EHLO MAIL RCPT DATA RSET NOOP QUIT HELP VRFY");
}
void cmd_quit(Session& s, std::string_view) {
    s.reply("221 2.0.0 " + s.hostname + " closing connection");
    s.quit = true;
}

struct Verb {
    std::string_view name;
    Handler handler;
};

constexpr Verb kVerbs[] = {
    {"HELO", cmd_helo}, {"EHLO", cmd_ehlo}, {"MAIL", cmd_mail}, {"RCPT", cmd_rcpt},
    {"DATA", cmd_data}, {"RSET", cmd_rset}, {"NOOP", cmd_noop}, {"VRFY", cmd_vrfy},
    {"HELP", cmd_help}, {"QUIT", cmd_quit},
};

void dispatch(Session& s, std::string_view line) {
    auto sp = line.find(' ');
    std::string_view verb = line.substr(0, sp);
    std::string_view args = sp == std::string_view::npos ? std::string_view{} : trim(line.substr(sp + 1));
    for (const auto& v : kVerbs)
        if (iequals(v.name, verb)) return v.handler(s, args);
    s.error("500 5.5.2 Error: command not recognized");
}

}  // namespace

int smtp_session(const Options& o, const config::Config& cfg, int in_fd, int out_fd) {
    Session s(o, cfg, in_fd, out_fd);
    s.hostname = cfg.get(config::params::myhostname);
    s.reset();
    if (o.transcript_file) {
        auto t = Transcript::open(*o.transcript_file);
        if (!t) {
            std::fprintf(stderr, "%s: %s\n", o.program.c_str(), t.error().message.c_str());
            return ex::kCantCreat;
        }
        s.transcript.emplace(std::move(*t));
    }
    s.reply("220 " + s.hostname + " ESMTP postern (sendmail -bs)");
    std::string line;
    while (!s.quit && !s.write_failed) {
        auto st = s.reader.read(line);
        if (st == LineReader::Status::TooLong) {
            s.reader.skip_rest();
            s.error("500 5.5.2 Error: line too long");
        } else if (st == LineReader::Status::Line) {
            if (s.transcript) s.transcript->received(line);
            dispatch(s, line);
        } else {
            break;  // end of input (or a read error): the caller went away
        }
        if (s.errors >= kMaxErrors) {
            s.reply("421 4.7.0 " + s.hostname + " Error: too many errors");
            break;
        }
    }
    return s.write_failed ? ex::kIoErr : ex::kOk;
}

}  // namespace postern::sendmail
