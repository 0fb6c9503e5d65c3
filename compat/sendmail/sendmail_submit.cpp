// The submission path: envelope checks, then records streamed through a
// pipe to postdrop while stdin is read, so no message is held in memory.
#include "sendmail_submit.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "lib/base/identity.hpp"
#include "lib/base/sysexits.hpp"
#include "sendmail_input.hpp"
#include "sendmail_postdrop.hpp"

namespace postern::sendmail {
namespace {

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

int fail(const Options& o, int code, const std::string& message) {
    std::fprintf(stderr, "%s: fatal: %s\n", o.program.c_str(), message.c_str());
    return code;
}

// Checks that need the config: recipient count and the size budget.
std::optional<int> check_envelope(const Options& o, const config::Config& cfg, const queue::Envelope& env) {
    if (env.recipients.empty() && !o.extract_recipients) {
        std::fprintf(stderr, "%s: no recipients specified\n", o.program.c_str());
        return ex::kUsage;
    }
    auto limit = cfg.get(config::params::recipient_limit);
    if (static_cast<long long>(env.recipients.size()) > limit)
        return fail(o, ex::kDataErr, "too many recipients (recipient_limit = " + std::to_string(limit) + ")");
    if (envelope_bytes(env) > cfg.get(config::params::message_size_limit))
        return fail(o, ex::kDataErr, "message too large: the envelope alone exceeds message_size_limit");
    return std::nullopt;
}

void report_postdrop(const Options& o, const PostdropExit& result) {
    for (const auto& line : result.messages)
        std::fprintf(stderr, "%s\n", relabel_message(line, o.program).c_str());
}

struct LocalFailure {
    int code;
    std::string message;
    bool pipe_failed;  // postdrop stopped reading: its own message says why
};

// Write the records; a failure on our side or on the pipe is returned.
std::optional<LocalFailure> stream_records(const Options& o, const queue::Envelope& env, std::uint64_t budget,
                                           int input_fd, int pipe_fd) {
    PipeFileOps ops;
    queue::Writer writer(pipe_fd, ops);
    if (auto st = writer.write_envelope(env); !st)
        return LocalFailure{ex::kTempFail, "write to postdrop: " + st.error().message, true};
    auto in = copy_message(input_fd, o.ignore_dots, budget,
                           [&writer](std::string_view data) { return writer.write_data(data); });
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
    return env;
}

std::uint64_t envelope_bytes(const queue::Envelope& env) {
    std::uint64_t n = env.sender.size() + env.full_name.size();
    for (const auto& r : env.recipients) n += r.address.size() + r.orcpt.size() + r.notify.size();
    return n;
}

int submit(const Options& o, const config::Config& cfg, int input_fd) {
    queue::Envelope env = build_envelope(o);
    if (auto code = check_envelope(o, cfg, env)) return *code;
    std::string program = cfg.get(config::params::command_directory) + "/postdrop";
    auto child = spawn_postdrop(program, cfg.config_directory());
    if (!child) return fail(o, child.error().sys_errno == ENOENT ? ex::kOsFile : ex::kOsErr, child.error().message);
    std::uint64_t budget = cfg.get(config::params::message_size_limit) - envelope_bytes(env);
    auto local = stream_records(o, env, budget, input_fd, child->input.get());
    PostdropExit result = finish_postdrop(*child);
    // Without the end record postdrop keeps nothing, so a local failure is
    // final; when postdrop quit first, its reason is the one to show.
    if (local && !(local->pipe_failed && result.exit_code != ex::kOk)) return fail(o, local->code, local->message);
    report_postdrop(o, result);
    return result.exit_code;
}

}  // namespace postern::sendmail
