// postern-map: the table tool (postmap's role). Runs as the invoking user;
// it reads and writes only the files named on its command line.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "lib/base/log.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "maps/map_list.hpp"
#include "map_tool.hpp"

namespace {

using postern::maps::tool::Command;

int usage() {
    std::fprintf(stderr,
                 "usage: postern-map [-c dir] [-n] [-f] type:file              (build file.db from file)\n"
                 "       postern-map [-c dir] -q key|- type:name ...           (query)\n"
                 "       postern-map -s type:name                              (list)\n"
                 "       postern-map -d key type:name                          (delete)\n"
                 "       postern-map [-c dir] -x kind -q address [type:name ...]\n"
                 "         kind: canonical virtual transport relocated access-client access-helo access-address\n");
    return postern::ex::kUsage;
}

bool parse(int argc, char** argv, Command& cmd) {
    using Mode = Command::Mode;
    int c;
    while ((c = getopt(argc, argv, "c:d:fnNq:sx:")) != -1) {
        switch (c) {
            case 'c': cmd.config_dir = optarg; break;
            case 'd': cmd.mode = Mode::Delete, cmd.key = optarg; break;
            case 'f': cmd.fold = false; break;
            case 'n': cmd.append_nul = false; break;
            case 'N': cmd.append_nul = true; break;
            case 'q': cmd.key = optarg; if (cmd.mode != Mode::Semantics) cmd.mode = Mode::Query; break;
            case 's': cmd.mode = Mode::Dump; break;
            case 'x': cmd.mode = Mode::Semantics, cmd.kind = optarg; break;
            default: return false;
        }
    }
    for (int i = optind; i < argc; ++i) cmd.specs.emplace_back(argv[i]);
    if (cmd.mode == Mode::Semantics) return !cmd.key.empty();
    return !cmd.specs.empty();
}

postern::maps::MapOptions load_options(const Command& cmd) {
    if (cmd.config_dir.empty()) return {};
    auto cfg = postern::config::Config::load(cmd.config_dir);
    if (!cfg) {
        std::fprintf(stderr, "postern-map: %s\n", cfg.error().message.c_str());
        std::exit(postern::ex::kConfig);
    }
    return postern::maps::options_from(*cfg);
}

}  // namespace

int main(int argc, char** argv) {
    postern::log::Options log_options;
    log_options.program = "postern-map";
    log_options.to_syslog = false;
    log_options.to_stderr = true;
    postern::log::init(log_options);
    Command cmd;
    if (!parse(argc, argv, cmd)) return usage();
    namespace tool = postern::maps::tool;
    switch (cmd.mode) {
        case Command::Mode::Build: return tool::run_build(cmd, load_options(cmd), stderr);
        case Command::Mode::Query: return tool::run_query(cmd, load_options(cmd), stdin, stdout, stderr);
        case Command::Mode::Dump: return tool::run_dump(cmd, load_options(cmd), stdout, stderr);
        case Command::Mode::Delete: return tool::run_delete(cmd, load_options(cmd), stderr);
        case Command::Mode::Semantics: return tool::run_semantics(cmd, stdout, stderr);
    }
    return usage();
}
