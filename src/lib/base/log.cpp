// Logging: syslog, stderr and an optional append-only file. Each sink gets a
// whole line in one call (one write(2) for the file, opened O_APPEND) so
// lines from concurrent processes never interleave. Lines are bounded.
#include "lib/base/log.hpp"

#include <fcntl.h>
#include <paths.h>
#include <pthread.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <atomic>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <utility>

namespace postern::log {
namespace {

constexpr std::size_t kMaxLine = 8192;

struct State {
    Options options;
    std::string tag = "postern";  // kept alive: openlog() keeps the pointer
    int file_fd = -1;
    std::string host = "localhost";  // of the file sink's lines, read at init
    // Without a syslog daemon (/dev/log missing: containers, chroots without
    // the socket) glibc's syslog() tries socket+connect on every call; we
    // look for the socket at most once per kSyslogRecheck instead.
    std::atomic<bool> syslog_there{false};
    std::atomic<std::time_t> syslog_checked{0};
};

constexpr std::time_t kSyslogRecheck = 30;

State& state() {
    static State s;
    return s;
}

// getpid() for every line costs a syscall; children re-read it at fork.
std::atomic<pid_t> g_pid{0};

pid_t cached_pid() {
    pid_t p = g_pid.load(std::memory_order_relaxed);
    if (p == 0) g_pid.store(p = ::getpid(), std::memory_order_relaxed);
    return p;
}

// Once the socket was there, glibc holds a connection (LOG_NDELAY, made
// before any chroot), so only its absence is looked at again.
bool syslog_available(State& s) {
    if (s.syslog_there.load(std::memory_order_relaxed)) return true;
    std::time_t now = std::time(nullptr);
    if (now - s.syslog_checked.load(std::memory_order_relaxed) >= kSyslogRecheck) {
        struct stat st {};
        s.syslog_there.store(::stat(_PATH_LOG, &st) == 0 && S_ISSOCK(st.st_mode), std::memory_order_relaxed);
        s.syslog_checked.store(now, std::memory_order_relaxed);
    }
    return s.syslog_there.load(std::memory_order_relaxed);
}

struct FacilityName {
    const char* name;
    int value;
};

constexpr FacilityName kFacilities[] = {
    {"mail", LOG_MAIL},     {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0},
    {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
    {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

int facility_value(const std::string& name) {
    for (const auto& f : kFacilities)
        if (name == f.name) return f.value;
    return LOG_MAIL;
}

std::string make_tag(const Options& o) {
    if (o.program.empty()) return o.syslog_name;
    return o.syslog_name + "/" + o.program;
}

// Cap at kMaxLine bytes, marking the cut, and fold embedded newlines so one
// call is always one line.
std::string bound(std::string text) {
    if (text.size() > kMaxLine) {
        text.resize(kMaxLine - 3);
        text += "...";
    }
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

std::string vformat(const char* fmt, va_list ap) {
    char small[1024];
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0) return fmt;
    if (static_cast<std::size_t>(n) < sizeof small) return bound(std::string(small, static_cast<std::size_t>(n)));
    std::string big(static_cast<std::size_t>(n) + 1, '\0');
    std::vsnprintf(big.data(), big.size(), fmt, ap);
    big.resize(static_cast<std::size_t>(n));
    return bound(std::move(big));
}

std::string host_name() {
    char host[256] = "localhost";
    if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
    host[sizeof host - 1] = '\0';
    return host;
}

std::string file_prefix(const State& s) {
    char stamp[64] = "";
    std::time_t now = std::time(nullptr);
    struct tm tm_now {};
    if (localtime_r(&now, &tm_now)) std::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm_now);
    return std::string(stamp) + " " + s.host + " ";
}

void write_fd(int fd, const std::string& line) {
    // One write: partial writes on a regular O_APPEND file do not happen short
    // of a full disk, and retrying would break the no-interleave promise.
    ssize_t r;
    do r = ::write(fd, line.data(), line.size());
    while (r < 0 && errno == EINTR);
}

void emit(int priority, std::string_view level, const std::string& text) {
    int saved_errno = errno;
    State& s = state();
    std::string syslog_text = level.empty() ? text : std::string(level) + ": " + text;
    if (s.options.to_syslog && syslog_available(s)) ::syslog(priority, "%s", syslog_text.c_str());
    if (s.options.to_stderr) write_fd(STDERR_FILENO, format_line(level, text) + "\n");
    if (s.file_fd >= 0) write_fd(s.file_fd, file_prefix(s) + format_line(level, text) + "\n");
    errno = saved_errno;
}

}  // namespace

void init(const Options& options) {
    State& s = state();
    s.options = options;
    s.tag = make_tag(options);
    s.host = host_name();
    static std::once_flag fork_hook;
    std::call_once(fork_hook, [] { ::pthread_atfork(nullptr, nullptr, [] { g_pid.store(0); }); });
    if (s.file_fd >= 0) {
        ::close(s.file_fd);
        s.file_fd = -1;
    }
    ::closelog();
    s.syslog_checked.store(0);
    s.syslog_there.store(false);
    if (options.to_syslog) ::openlog(s.tag.c_str(), LOG_PID | LOG_NDELAY, facility_value(options.facility));
    if (!options.file.empty()) {
        s.file_fd = ::open(options.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
        if (s.file_fd < 0) warn("cannot open log file %s: %s", options.file.c_str(), std::strerror(errno));
    }
}

std::string format_line(std::string_view level, std::string_view text) {
    std::string line = state().tag;
    line += "[" + std::to_string(cached_pid()) + "]: ";
    if (!level.empty()) {
        line += level;
        line += ": ";
    }
    line += text;
    return line;
}

std::string printable(std::string_view value, std::size_t max) {
    std::string out;
    std::size_t n = value.size() > max ? max : value.size();
    out.reserve(n + 3);
    for (std::size_t i = 0; i < n; ++i) {
        auto c = static_cast<unsigned char>(value[i]);
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    if (value.size() > max) out += "...";
    return out;
}

void info(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string text = vformat(fmt, ap);
    va_end(ap);
    emit(LOG_INFO, "", text);
}

void warn(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string text = vformat(fmt, ap);
    va_end(ap);
    emit(LOG_WARNING, "warning", text);
}

void fatal(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string text = vformat(fmt, ap);
    va_end(ap);
    emit(LOG_CRIT, "fatal", text);
    std::exit(1);
}

void panic(const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::string text = vformat(fmt, ap);
    va_end(ap);
    emit(LOG_CRIT, "panic", text);
    std::abort();
}

}  // namespace postern::log
