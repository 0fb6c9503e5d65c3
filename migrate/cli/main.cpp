// postern-migrate: move a sendmail host to postern.
//   postern-migrate plan  [--root DIR] [-c CONFIG_DIR]
//   postern-migrate apply [--root DIR] [-c CONFIG_DIR]
//   postern-migrate switch [--root DIR] [-c CONFIG_DIR] [--no-start]
//   postern-migrate rollback [--root DIR]
// Runs as whoever may read sendmail's files (root on a live host); apply
// writes only CONFIG_DIR/main.conf's postern-migrate block, the postern
// queue (files owned by mail_owner) and data_directory/migrate-converted;
// switch/rollback change only the four command paths and their manifest.
// sendmail's configuration and queue are only read.
#include <cstdio>
#include <string>
#include <string_view>

#include "lib/base/log.hpp"
#include "lib/base/sysexits.hpp"
#include "migrate/migrate_host.hpp"

namespace {

int usage() {
    std::fprintf(stderr, "usage: postern-migrate plan|apply|switch|rollback [--root DIR] [-c CONFIG_DIR] [--no-start]\n");
    return postern::ex::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    postern::log::Options log_options;
    log_options.program = "migrate";
    log_options.to_syslog = false;
    log_options.to_stderr = true;
    postern::log::init(log_options);
    if (argc < 2) return usage();
    std::string_view mode = argv[1];
    if (mode != "plan" && mode != "apply" && mode != "switch" && mode != "rollback") return usage();
    postern::migrate::HostOptions options;
    options.apply = mode == "apply";
    bool no_start = false;
    for (int i = 2; i < argc; ++i) {
        std::string_view a = argv[i];
        if ((a == "--root" || a == "-c") && i + 1 < argc) {
            (a == "-c" ? options.config_dir.emplace() : options.root) = argv[++i];
        } else if (a == "--no-start" && mode == "switch") {
            no_start = true;
        } else {
            return usage();
        }
    }
    auto run = mode == "switch"     ? postern::migrate::run_switch(options, no_start)
               : mode == "rollback" ? postern::migrate::run_rollback(options)
                                    : postern::migrate::run_host(options);
    if (!run.error.empty()) {
        std::fprintf(stderr, "postern-migrate: %s\n", run.error.c_str());
        return run.exit_code;
    }
    std::fputs(run.plan.render().c_str(), stdout);
    return run.exit_code;
}
