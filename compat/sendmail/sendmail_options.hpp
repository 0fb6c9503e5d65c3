// sendmail command line: the flags MUAs, cron and scripts pass to
// /usr/sbin/sendmail (sendmail 8.17's sendmail(8)), parsed POSIX getopt
// style (flags may be bundled, "-t -i" = "-ti"; option parsing stops at the
// first operand or at "--"). Every flag has one row in a table
// (sendmail_options.cpp) saying whether it takes an argument and what it
// does: implemented, accepted and ignored (meaningless for postern and
// harmless), or refused with EX_USAGE. man/sendmail.1 lists the same rows.
// -o/-O options have their own table (sendmail_option_names.cpp).
// Parsing never reads the config: limits and privilege rules are applied by
// the caller (sendmail_run.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::sendmail {

enum class Mode {
    Deliver,          // -bm (default)
    Smtp,             // -bs
    Daemon,           // -bd: start the mail system
    DaemonForeground, // -bD: run master in the foreground
    ListQueue,        // -bp, mailq
    RebuildAliases,   // -bi, newaliases
    Verify,           // -bv
    PrintStats,       // -bP
    HostStatus,       // -bh, hoststat
    PurgeHostStatus,  // -bH, purgestat
    AddressTest,      // -bt
    CheckConfig,      // -bC
    FlushQueue,       // -q...
    Quarantine,       // -Q[reason]
};

// sendmail's -odX delivery modes; postern always queues and delivers in the
// background, so the mode only decides whether -v waits (see man page).
enum class DeliveryMode { Background, Interactive, Queue, Defer };
// sendmail's -oeX error modes: where errors found before the message is
// queued are reported.
enum class ErrorMode { Print, Quiet, Mail, Write, ExitZero };

// One -qR/-qS/-qI selection ("-q!Rsubstr" negates it). All must match.
struct QueueFilter {
    char kind = 'R';  // 'R' recipient, 'S' sender, 'I' queue ID
    bool negate = false;
    std::string match;
    bool operator==(const QueueFilter&) const = default;
};

struct Options {
    Mode mode = Mode::Deliver;
    std::string program = "sendmail";           // name for messages (argv[0] basename)
    std::optional<std::string> config_dir;      // -c DIR, or -C naming a postern config
    std::optional<std::string> sender;          // -f / -r; "" = null sender
    char sender_flag = 'f';                     // which of -f / -r set it (for the warning header)
    std::optional<std::string> full_name;       // -F
    bool extract_recipients = false;            // -t
    bool ignore_dots = false;                   // -i, -oi, -O IgnoreDots
    bool verbose = false;                       // -v
    bool no_aliasing = false;                   // -n (only -bv honours it: aliases are local's)
    std::string dsn_notify;                     // -N
    std::string dsn_ret;                        // -R
    std::string dsn_envid;                      // -V
    std::string body_type;                      // -B 7BIT|8BITMIME
    std::optional<std::string> transcript_file; // -X FILE
    std::optional<std::string> queue_directory; // -oQ / -O QueueDirectory
    std::optional<std::string> alias_file;      // -oA / -O AliasFile (-bv, -bt)
    DeliveryMode delivery_mode = DeliveryMode::Background;
    ErrorMode error_mode = ErrorMode::Print;
    std::vector<int> debug;                     // -d categories given (harmless: version line only)
    // -q: filters, and the interval of "-q30m"/"-qp30m" (0: none).
    std::vector<QueueFilter> queue_filters;
    long long queue_interval = 0;
    std::optional<std::string> quarantine_reason; // -Q[reason]: "" = release
    std::vector<std::string> recipients;        // operands
    std::vector<std::string> warnings;          // for stderr: ignored unknown -o/-O names
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
// "newaliases" rebuilds aliases, "hoststat"/"purgestat" show/purge the
// host status, anything else delivers (-bm).
ParseResult parse_args(const std::vector<std::string>& args);
// DSN values as sendmail checks them for -N/-R/-V and -bs's NOTIFY/RET/
// ENVID: the normalized value, or nullopt when invalid.
std::optional<std::string> dsn_notify_value(std::string_view text);  // "success,delay" / "never"
std::optional<std::string> dsn_ret_value(std::string_view text);     // "FULL" / "HDRS"
bool valid_envid(std::string_view text);                              // RFC 3461 xtext, at most 100 bytes

// The usage line for program ("usage: sendmail [-t] ...").
std::string usage_line(std::string_view program);

// Bounds on the command line, checked by parse_args (a longer argument or
// more arguments is a usage error, never a truncation).
inline constexpr std::size_t kMaxArgs = 100000;
inline constexpr std::size_t kMaxArgLength = 65536;

}  // namespace postern::sendmail
