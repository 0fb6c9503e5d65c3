// sendmail command line: the flags MUAs, cron and scripts pass to
// /usr/sbin/sendmail, parsed POSIX getopt style (flags may be bundled, "-t -i"
// = "-ti"; option parsing stops at the first operand or at "--"). Every flag
// has one row in a table (sendmail_options.cpp) saying whether it takes an
// argument and what it does; man/sendmail.1 lists the same rows with their
// status. Parsing never reads the config: limits are applied by the caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::sendmail {

enum class Mode { Deliver, ListQueue, RebuildAliases, FlushQueue };

struct Options {
    Mode mode = Mode::Deliver;
    std::string program = "sendmail";           // name for messages (argv[0] basename)
    std::optional<std::string> config_dir;      // -c DIR
    std::optional<std::string> sender;          // -f / -r; "" = null sender
    std::optional<std::string> full_name;       // -F
    bool extract_recipients = false;            // -t
    bool ignore_dots = false;                   // -i, -oi
    bool verbose = false;                       // -v (accepted; no effect yet)
    std::string dsn_notify;                     // -N (recorded; effect comes later)
    std::string dsn_ret;                        // -R
    std::string dsn_envid;                      // -V
    std::string body_type;                      // -B
    char queue_select = 0;                      // -q: 0 all, 'R' recipient, 'S' sender, 'I' queue ID
    std::string queue_match;                    // -qRsubstr, -qSsubstr, -qIsubstr
    std::vector<std::string> recipients;        // operands
};

// A usage error: the one-line message ("unknown option -x") and, when the
// caller should print it, the usage line. exit_code is a sysexits value.
struct UsageError {
    std::string message;
    int exit_code;
};

// options is filled as far as parsing got (program is always set).
struct ParseResult {
    Options options;
    std::optional<UsageError> error;
};

// argv[0]'s basename chooses the default mode: "mailq" lists the queue,
// "newaliases" rebuilds aliases, anything else delivers (-bm).
ParseResult parse_args(const std::vector<std::string>& args);
// The usage line for program ("usage: sendmail [-t] ...").
std::string usage_line(std::string_view program);

}  // namespace postern::sendmail
