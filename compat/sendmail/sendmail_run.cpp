#include "sendmail_run.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "sendmail_flush.hpp"
#include "sendmail_mailq.hpp"
#include "sendmail_newaliases.hpp"
#include "sendmail_options.hpp"
#include "sendmail_submit.hpp"

namespace postern::sendmail {
namespace {

using ModeHandler = int (*)(const Options&, const config::Config&);

struct ModeEntry {
    Mode mode;
    ModeHandler run;
};

constexpr ModeEntry kModeTable[] = {
    {Mode::Deliver, [](const Options& o, const config::Config& c) { return submit(o, c, STDIN_FILENO); }},
    {Mode::ListQueue, [](const Options& o, const config::Config& c) { return list_queue(c, o.program); }},
    {Mode::RebuildAliases, [](const Options& o, const config::Config& c) { return rebuild_aliases(c, o.program); }},
    {Mode::FlushQueue, [](const Options& o, const config::Config& c) { return flush_queue(o, c); }},
};

int usage_error(const Options& o, const UsageError& e) {
    std::fprintf(stderr, "%s: %s\n", o.program.c_str(), e.message.c_str());
    if (e.exit_code == ex::kUsage) std::fprintf(stderr, "%s\n", usage_line(o.program).c_str());
    return e.exit_code;
}

}  // namespace

int run(const std::vector<std::string>& args) {
    auto parsed = parse_args(args);
    const Options& o = parsed.options;
    if (parsed.error) return usage_error(o, *parsed.error);
    auto cfg = config::Config::load(config::resolve_config_dir(o.config_dir));
    if (!cfg) {
        std::fprintf(stderr, "%s: fatal: %s\n", o.program.c_str(), cfg.error().message.c_str());
        return ex::kConfig;
    }
    // A postdrop that quits early must give us EPIPE and its own message, not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    for (const auto& entry : kModeTable)
        if (entry.mode == o.mode) return entry.run(o, *cfg);
    return ex::kSoftware;
}

}  // namespace postern::sendmail
