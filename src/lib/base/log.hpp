// Logging for every postern program, in the form Postfix administrators and
// their log tools know:
//     postern/qmgr[1234]: 0A1B2C3D4E5F: from=<alice@example.org>, size=1234, nrcpt=1 (queue active)
//     postern/cleanup[99]: warning: ...
// Lines go to syslog (facility from config, default mail) and, when enabled,
// to stderr and/or an append-only log file (one write(2) per line, so lines
// from many processes never interleave). Messages are printf-style; callers
// put the queue id first ("%s: key=value, key=value") as Postfix does.
// Levels follow Postfix: info, warn; fatal exits 1 (master restarts the
// service); panic is a broken invariant and aborts.
#pragma once

#include <string>
#include <string_view>

#define POSTERN_PRINTF(f, a) __attribute__((format(printf, f, a)))

namespace postern::log {

struct Options {
    std::string program;      // "qmgr" -> tag "postern/qmgr" (syslog_name/program)
    std::string syslog_name = "postern";
    std::string facility = "mail";  // syslog facility name
    bool to_syslog = true;
    bool to_stderr = false;
    std::string file;         // empty: no log file
};

// May be called again (e.g. after the config is read); the first call may
// happen before the config exists, with defaults.
void init(const Options& options);

void info(const char* fmt, ...) POSTERN_PRINTF(1, 2);
void warn(const char* fmt, ...) POSTERN_PRINTF(1, 2);
[[noreturn]] void fatal(const char* fmt, ...) POSTERN_PRINTF(1, 2);
[[noreturn]] void panic(const char* fmt, ...) POSTERN_PRINTF(1, 2);

// The line as it would be written (without timestamp/host), for tests:
// "postern/qmgr[1234]: warning: text".
std::string format_line(std::string_view level, std::string_view text);

// Make a value safe for a one-line log: control bytes and non-ASCII become
// "?" (Postfix printable()), length capped at max bytes with "..." appended.
std::string printable(std::string_view value, std::size_t max = 256);

}  // namespace postern::log
