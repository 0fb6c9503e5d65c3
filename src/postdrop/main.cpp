// postdrop: the set-gid (group postdrop) helper behind sendmail. It runs as
// the submitting user, reads one queue-file stream from stdin, writes it to
// a new file in maildrop/ (the only place its group may write), fsyncs and
// commits it, and nudges pickup. It trusts nothing in its input: the stream
// is bounded and validated before it is kept. One line on stderr and a
// sysexits code say what went wrong. A configuration directory named by
// the caller is honoured only as postdrop_config_dir.hpp allows.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "lib/base/log.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "lib/ipc/channel.hpp"
#include "postdrop_args.hpp"
#include "postdrop_config_dir.hpp"
#include "postdrop_store.hpp"

namespace {

int fatal(int code, const std::string& message) {
    std::fprintf(stderr, "postdrop: fatal: %s\n", message.c_str());
    postern::log::warn("%s", postern::log::printable(message, 1024).c_str());
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace postern;
    log::Options log_options;
    log_options.program = "postdrop";
    log::init(log_options);
    auto args = postdrop::parse_args(argc, argv);
    if (!args.error.empty()) return fatal(ex::kUsage, args.error);
    const std::string config_dir = config::resolve_config_dir(args.config_dir);
    if (auto st = postdrop::check_config_dir(config_dir, postdrop::process_config_dir_check()); !st)
        return fatal(ex::kNoPerm, st.error().message);
    auto cfg = config::Config::load(config_dir);
    if (!cfg) return fatal(ex::kConfig, cfg.error().message);
    log_options.syslog_name = cfg->get(config::params::syslog_name);
    log_options.facility = cfg->get(config::params::syslog_facility);
    log_options.file = cfg->get(config::params::maillog_file);
    log::init(log_options);
    auto q = queue::QueueDir::open(cfg->get(config::params::queue_directory));
    if (!q) return fatal(ex::kTempFail, q.error().message);
    postdrop::StoreLimits limits{cfg->get(config::params::message_size_limit),
                                 cfg->get(config::params::recipient_limit)};
    auto stored = postdrop::store_maildrop_file(*q, STDIN_FILENO, limits);
    if (stored.exit_code != ex::kOk) return fatal(stored.exit_code, stored.message);
    // pickup also scans maildrop/ on a timer, so a lost trigger only delays.
    (void)ipc::send_trigger(cfg->queue_path("public/pickup"));
    return ex::kOk;
}
