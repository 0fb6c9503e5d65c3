#include "sendmail_run.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "sendmail_flush.hpp"
#include "sendmail_hoststat.hpp"
#include "sendmail_mailq.hpp"
#include "sendmail_newaliases.hpp"
#include "sendmail_options.hpp"
#include "sendmail_smtp.hpp"
#include "sendmail_submit.hpp"
#include "sendmail_system.hpp"
#include "sendmail_verify.hpp"

namespace postern::sendmail {
namespace {

using ModeHandler = int (*)(const Options&, const config::Config&);

struct ModeEntry {
    Mode mode;
    ModeHandler run;
};

constexpr ModeEntry kModeTable[] = {
    {Mode::Deliver, [](const Options& o, const config::Config& c) { return submit(o, c, STDIN_FILENO); }},
    {Mode::Smtp, [](const Options& o, const config::Config& c) { return smtp_session(o, c, STDIN_FILENO, STDOUT_FILENO); }},
    {Mode::Daemon, start_daemon},
    {Mode::DaemonForeground, run_daemon_foreground},
    {Mode::ListQueue, [](const Options& o, const config::Config& c) { return list_queue(c, o.program); }},
    {Mode::RebuildAliases, [](const Options& o, const config::Config& c) { return rebuild_aliases(c, o.program); }},
    {Mode::Verify, verify_addresses},
    {Mode::AddressTest, address_test},
    {Mode::PrintStats, print_queue_counts},
    {Mode::HostStatus, [](const Options& o, const config::Config& c) { return show_host_status(c, o.program); }},
    {Mode::PurgeHostStatus, [](const Options& o, const config::Config& c) { return purge_host_status(c, o.program); }},
    {Mode::CheckConfig, check_config},
    {Mode::FlushQueue, flush_queue},
    {Mode::Quarantine, quarantine},
};

int usage_error(const Options& o, const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", o.program.c_str(), e.message.c_str());
    if (e.exit_code == ex::kUsage) std::fprintf(stderr, "%s\n", usage_line(o.program).c_str());
    return e.exit_code;
}

// -C names a postern configuration directory (or its main.conf); a
// sendmail.cf cannot be read and is refused rather than silently ignored.
std::optional<UsageError> check_config_path(const std::optional<std::string>& dir) {
    struct stat st {};
    if (!dir || ::stat(dir->c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return std::nullopt;
    return UsageError{"-C " + *dir + ": not a postern configuration directory (postern reads DIR/main.conf;"
                      " convert a sendmail.cf with postern-migrate)",
                      ex::kUsage};
}

// -oQ changes where this command reads the queue with the caller's own
// rights (-bp, -bP, -q, -Q); it never changes where postdrop writes.
std::optional<int> apply_queue_directory(const Options& o, config::Config& cfg) {
    if (!o.queue_directory) return std::nullopt;
    if (o.mode != Mode::ListQueue && o.mode != Mode::PrintStats && o.mode != Mode::FlushQueue &&
        o.mode != Mode::Quarantine && o.mode != Mode::HostStatus && o.mode != Mode::PurgeHostStatus)
        return std::nullopt;
    if (auto st = cfg.set("queue_directory", *o.queue_directory); !st) {
        std::fprintf(stderr, "%s: -oQ: %s\n", o.program.c_str(), st.error().message.c_str());
        return ex::kUsage;
    }
    return std::nullopt;
}

}  // namespace

int run(const std::vector<std::string>& args) {
    auto parsed = parse_args(args);
    const Options& o = parsed.options;
    for (const auto& w : o.warnings) std::fprintf(stderr, "%s: warning: %s\n", o.program.c_str(), w.c_str());
    if (parsed.error) return usage_error(o, *parsed.error);
    if (auto e = check_config_path(o.config_dir)) return usage_error(o, *e);
    auto cfg = config::Config::load(config::resolve_config_dir(o.config_dir));
    if (!cfg) {
        std::fprintf(stderr, "%s: fatal: %s\n", o.program.c_str(), cfg.error().message.c_str());
        return ex::kConfig;
    }
    if (auto code = apply_queue_directory(o, *cfg)) return *code;
    print_debug(o, *cfg);
    // A postdrop that quits early must give us EPIPE and its own message, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    for (const auto& entry : kModeTable)
        if (entry.mode == o.mode) return entry.run(o, *cfg);
    return ex::kSoftware;
}

}  // namespace postern::sendmail
