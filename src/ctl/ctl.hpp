// postern-ctl: the administrator's command. "postern-ctl [-c DIR] COMMAND
// [ARGS]" looks COMMAND up in one table (ctl_dispatch.cpp); each command is
// a function that gets the invocation and returns a sysexits code. Every
// error is one line "postern-ctl: ..." naming the file (and line) at fault.
#pragma once

#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/config/config.hpp"

namespace postern::ctl {

// "already running" / "not running" answers: 1, as service managers expect.
inline constexpr int kNotRunning = 1;

struct Invocation {
    std::optional<std::string> config_flag;  // -c DIR
    std::vector<std::string> args;           // after the command name
    std::ostream& out;
    std::ostream& err;

    // -c DIR, else $POSTERN_CONFIG_DIR, else /etc/postern
    std::string config_dir() const;
    // Print "postern-ctl: message" on err and return code.
    int fail(int code, std::string_view message) const;
    // Load main.conf, or say why not.
    Result<config::Config> load_config() const;
};

using CommandFn = int (*)(Invocation&);

struct Command {
    std::string_view name;
    CommandFn run;
    std::string_view usage;  // arguments after the name
};

std::span<const Command> commands();
const Command* find_command(std::string_view name);

// The whole command line (argv[0] excluded handling is internal).
int dispatch(int argc, char** argv, std::ostream& out, std::ostream& err);

int cmd_init(Invocation& inv);
int cmd_start(Invocation& inv);
int cmd_stop(Invocation& inv);
int cmd_reload(Invocation& inv);
int cmd_status(Invocation& inv);
int cmd_config(Invocation& inv);
int cmd_setup_system(Invocation& inv);

}  // namespace postern::ctl
