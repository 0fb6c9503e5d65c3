// The table of postern-ctl commands and the global options.
#include <cstring>

#include "ctl.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::ctl {
namespace {

constexpr Command kCommands[] = {
    {"init", cmd_init, "DIR --user-instance [--port N] [--force]"},
    {"start", cmd_start, ""},
    {"stop", cmd_stop, ""},
    {"reload", cmd_reload, ""},
    {"status", cmd_status, ""},
    {"config", cmd_config, "[-n|-d] [NAME...] | -e NAME=VALUE..."},
    {"setup-system", cmd_setup_system, "[--dry-run]"},
};

int usage(std::ostream& err) {
    err << "usage: postern-ctl [-c config_directory] COMMAND [ARGS]\ncommands:\n";
    for (const auto& c : kCommands) err << "  " << c.name << (c.usage.empty() ? "" : " ") << c.usage << "\n";
    return ex::kUsage;
}

}  // namespace

std::string Invocation::config_dir() const { return config::resolve_config_dir(config_flag); }

int Invocation::fail(int code, std::string_view message) const {
    err << "postern-ctl: " << message << "\n";
    return code;
}

Result<config::Config> Invocation::load_config() const { return config::Config::load(config_dir()); }

std::span<const Command> commands() { return kCommands; }

const Command* find_command(std::string_view name) {
    for (const auto& c : kCommands)
        if (c.name == name) return &c;
    return nullptr;
}

int dispatch(int argc, char** argv, std::ostream& out, std::ostream& err) {
    std::optional<std::string> config_flag;
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        if (std::strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            config_flag = argv[i + 1];
            i += 2;
        } else if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
            usage(out);
            return ex::kOk;
        } else {
            return usage(err);
        }
    }
    if (i >= argc) return usage(err);
    const Command* cmd = find_command(argv[i]);
    if (cmd == nullptr) {
        err << "postern-ctl: unknown command \"" << argv[i] << "\"\n";
        return usage(err);
    }
    Invocation inv{config_flag, std::vector<std::string>(argv + i + 1, argv + argc), out, err};
    return cmd->run(inv);
}

}  // namespace postern::ctl
