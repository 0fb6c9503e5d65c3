// The submission path (see the header).
#include "sendmail_submit.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "lib/address/address.hpp"
#include "lib/base/log.hpp"
#include "lib/base/sysexits.hpp"
#include "sendmail_header_gate.hpp"
#include "sendmail_postdrop.hpp"

namespace postern::sendmail {
namespace {

// RFC 5321 4.5.3.1.3: a path is at most 256 octets with its angle brackets.
constexpr std::size_t kMaxAddress = 254;

// A pipe cannot be fsynced (EINVAL); durability is postdrop's job, which
// fsyncs the maildrop file before it exits 0.
class PipeFileOps : public FileOps {
public:
    Status fsync(int fd) override {
        struct stat st {};
        if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) return {};
        return FileOps::fsync(fd);
    }
};

SubmitResult result(int code, std::string message) {
    SubmitResult r;
    r.code = code;
    r.message = std::move(message);
    return r;
}

// Checks that need the config: recipient count and the size budget.
std::optional<SubmitResult> check_envelope(const Options& o, const config::Config& cfg, const queue::Envelope& env) {
    if (env.recipients.empty() && !o.extract_recipients) return result(ex::kUsage, "Recipient names must be specified");
    auto limit = cfg.get(config::params::recipient_limit);
    if (static_cast<long long>(env.recipients.size()) > limit)
        return result(ex::kDataErr, "too many recipients (recipient_limit = " + std::to_string(limit) + ")");
    if (envelope_bytes(env) > cfg.get(config::params::message_size_limit))
        return result(ex::kDataErr, "message too large: the envelope alone exceeds message_size_limit");
    return std::nullopt;
}

struct LocalFailure {
    int code;
    std::string message;
    bool pipe_failed;  // postdrop stopped reading: its own message says why
};

// Why the content was refused on our side (set by the sink chain).
struct Refusal {
    int code = 0;
    std::string message;
    Error stop(int c, std::string m) {
        code = c;
        message = std::move(m);
        return make_error(message);
    }
};

// The header gate's decision: -t needs a recipient somewhere.
Status decide_header(const Options& o, const queue::Envelope& env, const config::Config& cfg, Refusal& refusal,
                     std::vector<std::string>& found, const address::HeaderFields& fields) {
    if (!o.extract_recipients) return {};
    address::ListLimits limits;
    limits.max_addresses = static_cast<std::size_t>(cfg.get(config::params::recipient_limit));
    for (const auto& a : address::header_recipients(fields, limits).addresses) found.push_back(a.spec());
    if (found.empty() && env.recipients.empty())
        return refusal.stop(ex::kUsage, "No recipient addresses found in header");
    return {};
}

// Write the records; a failure on our side or on the pipe is returned.
std::optional<LocalFailure> stream_records(const Options& o, const config::Config& cfg, const queue::Envelope& env,
                                           const ContentSource& content, Transcript* transcript, int pipe_fd,
                                           std::vector<std::string>& found) {
    PipeFileOps ops;
    queue::Writer writer(pipe_fd, ops);
    if (auto st = writer.write_envelope(env); !st)
        return LocalFailure{ex::kTempFail, "write to postdrop: " + st.error().message, true};
    Refusal refusal;
    std::string warning = authentication_warning(o.sender, o.sender_flag, current_identity(),
                                                 cfg.get(config::params::trusted_users),
                                                 cfg.get(config::params::myhostname));
    HeaderGate gate(
        static_cast<std::size_t>(cfg.get(config::params::header_size_limit)), warning,
        [&](const address::HeaderFields& f) { return decide_header(o, env, cfg, refusal, found, f); },
        [&writer](std::string_view data) { return writer.write_data(data); });
    std::uint64_t budget = cfg.get(config::params::message_size_limit) - envelope_bytes(env);
    auto in = content(budget, [&](std::string_view data) -> Status {
        if (data.find('\0') != std::string_view::npos)
            return refusal.stop(ex::kDataErr, "message contains NUL bytes, which mail may not carry (RFC 5322)");
        if (transcript) transcript->content(data);
        return gate.feed(data);
    });
    if (in.kind == InputResult::Kind::Ok) {
        if (transcript) transcript->end_content();
        if (auto st = gate.finish(); !st) in = InputResult{InputResult::Kind::SinkError, in.bytes, st.error()};
    }
    if (refusal.code != 0) return LocalFailure{refusal.code, refusal.message, false};
    switch (in.kind) {
        case InputResult::Kind::Ok: break;
        case InputResult::Kind::TooLarge: return LocalFailure{ex::kDataErr, "message too large", false};
        case InputResult::Kind::ReadError: return LocalFailure{ex::kIoErr, in.error.message, false};
        case InputResult::Kind::SinkError:
            return LocalFailure{ex::kTempFail, "write to postdrop: " + in.error.message, true};
    }
    if (auto st = writer.finish(); !st)
        return LocalFailure{ex::kTempFail, "write to postdrop: " + st.error().message, true};
    return std::nullopt;
}

}  // namespace

queue::Envelope build_envelope(const Options& o) {
    queue::Envelope env;
    ::clock_gettime(CLOCK_REALTIME, &env.arrival);
    env.sender = o.sender ? *o.sender : current_identity().name;
    env.full_name = o.full_name.value_or("");
    env.uid = static_cast<long long>(::getuid());  // informative only: pickup trusts the file owner
    env.extract_recipients = o.extract_recipients;
    for (const auto& r : o.recipients) env.recipients.push_back(queue::Recipient{r, "", o.dsn_notify});
    if (!o.dsn_ret.empty()) env.attrs.emplace_back("dsn_ret", o.dsn_ret);
    if (!o.dsn_envid.empty()) env.attrs.emplace_back("dsn_envid", o.dsn_envid);
    if (!o.body_type.empty()) env.attrs.emplace_back("body_type", o.body_type);
    return env;
}

std::uint64_t envelope_bytes(const queue::Envelope& env) {
    std::uint64_t n = env.sender.size() + env.full_name.size();
    for (const auto& r : env.recipients) n += r.address.size() + r.orcpt.size() + r.notify.size();
    return n;
}

bool trusted_caller(const Identity& caller, const std::vector<std::string>& trusted_users) {
    return std::find(trusted_users.begin(), trusted_users.end(), caller.name) != trusted_users.end();
}

std::string authentication_warning(const std::optional<std::string>& sender, char flag, const Identity& caller,
                                   const std::vector<std::string>& trusted_users, const std::string& hostname) {
    if (!sender || *sender == caller.name || *sender == caller.name + "@" + hostname) return "";
    if (trusted_caller(caller, trusted_users)) return "";
    // The sender is the caller's own claim: keep it on one line.
    std::string shown = *sender;
    std::replace_if(shown.begin(), shown.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return "X-Authentication-Warning: " + hostname + ": " + caller.name + " set sender to " +
           (shown.empty() ? "<>" : shown) + " using -" + std::string(1, flag) + "\n";
}

Result<std::vector<std::string>> recipients_from_operands(const std::vector<std::string>& operands) {
    std::vector<std::string> out;
    for (const auto& op : operands) {
        auto list = address::parse_address_list(op);
        if (!list || !list->rejected.empty() || list->addresses.empty())
            return make_error(log::printable(op, 200) + "... malformed address");
        for (const auto& a : list->addresses) {
            std::string spec = a.spec();
            if (spec.size() > kMaxAddress)
                return make_error(log::printable(op, 80) + "... address too long (" + std::to_string(spec.size()) +
                                  " bytes, at most " + std::to_string(kMaxAddress) + ")");
            out.push_back(std::move(spec));
        }
    }
    return out;
}

SubmitResult submit_message(const Options& o, const config::Config& cfg, const queue::Envelope& env,
                            const ContentSource& content, Transcript* transcript) {
    if (auto bad = check_envelope(o, cfg, env)) return *bad;
    std::string program = cfg.get(config::params::command_directory) + "/postdrop";
    auto child = spawn_postdrop(program, cfg.config_directory());
    if (!child) return result(child.error().sys_errno == ENOENT ? ex::kOsFile : ex::kOsErr, child.error().message);
    SubmitResult out;
    auto local = stream_records(o, cfg, env, content, transcript, child->input.get(), out.header_recipients);
    PostdropExit pd = finish_postdrop(*child);
    // Without the end record postdrop keeps nothing, so a local failure is
    // final; when postdrop quit first, its reason is the one to show.
    if (local && !(local->pipe_failed && pd.exit_code != ex::kOk)) return result(local->code, local->message);
    out.code = pd.exit_code;
    out.postdrop_messages = std::move(pd.messages);
    return out;
}

namespace {

void report(const Options& o, const std::string& line) {
    if (o.error_mode != ErrorMode::Quiet) std::fprintf(stderr, "%s\n", line.c_str());
}

// -v: what sendmail prints for a queued message, one line per recipient.
void report_verbose(const Options& o, const queue::Envelope& env, const SubmitResult& r) {
    if (!o.verbose || r.code != ex::kOk) return;
    for (const auto& rc : env.recipients) std::printf("%s... Queued\n", rc.address.c_str());
    for (const auto& rc : r.header_recipients) std::printf("%s... Queued\n", rc.c_str());
}

}  // namespace

int submit(const Options& o, const config::Config& cfg, int input_fd) {
    auto rcpts = recipients_from_operands(o.recipients);
    if (!rcpts) {
        report(o, rcpts.error().message);
        return ex::kUsage;
    }
    Options with = o;
    with.recipients = std::move(*rcpts);
    std::optional<Transcript> transcript;
    if (o.transcript_file) {
        auto t = Transcript::open(*o.transcript_file);
        if (!t) {
            report(o, o.program + ": " + t.error().message);
            return ex::kCantCreat;
        }
        transcript.emplace(std::move(*t));
    }
    queue::Envelope env = build_envelope(with);
    if (transcript) {
        transcript->received("MAIL From:<" + env.sender + ">");
        for (const auto& r : env.recipients) transcript->received("RCPT To:<" + r.address + ">");
        transcript->received("DATA");
    }
    LineReader reader(input_fd, 65536);
    DotMode dots = o.ignore_dots ? DotMode::Ignore : DotMode::End;
    auto r = submit_message(with, cfg, env,
                            [&](std::uint64_t budget, const Sink& sink) { return copy_message(reader, dots, budget, sink); },
                            transcript ? &*transcript : nullptr);
    if (transcript) transcript->sent(r.code == ex::kOk ? "250 2.0.0 Message accepted for delivery" : "554 " + r.message);
    if (!r.message.empty()) report(o, r.code == ex::kUsage ? r.message : o.program + ": fatal: " + r.message);
    for (const auto& line : r.postdrop_messages) report(o, relabel_message(line, o.program));
    report_verbose(o, env, r);
    return r.code;
}

}  // namespace postern::sendmail
