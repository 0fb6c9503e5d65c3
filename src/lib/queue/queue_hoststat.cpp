// The dead-destination cache file (see the header).
#include "lib/queue/queue_hoststat.hpp"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>

#include "lib/base/safe_file.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/queue/queue_flush.hpp"
#include "lib/queue/queue_status.hpp"

namespace postern::queue {
namespace {

bool parse_time(std::string_view s, std::time_t& out) {
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < 0) return false;
    out = static_cast<std::time_t>(v);
    return true;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> f;
    for (;;) {
        auto tab = line.find('\t');
        f.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) return f;
        line.remove_prefix(tab + 1);
    }
}

// sendmail's pintvl: "HH:MM:SS", with "D+" in front past a day.
std::string interval(std::time_t secs) {
    if (secs < 0) secs = 0;
    long long s = secs;
    char buf[48];
    if (s >= 86400)
        std::snprintf(buf, sizeof buf, "%lld+%02lld:%02lld:%02lld", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    return buf;
}

std::string clock_time(std::time_t t) {
    struct tm tm {};
    ::localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%b %e %H:%M:%S", &tm);
    return buf;
}

int io_failure(const std::string& program, const Error& e) {
    std::fprintf(stderr, "%s: %s\n", program.c_str(), e.message.c_str());
    return e.sys_errno == EACCES || e.sys_errno == EPERM ? ex::kNoPerm : ex::kIoErr;
}

}  // namespace

std::string host_status_path(const QueueDir& q) { return q.root() + "/" + std::string(kHostStatusFile); }

std::string format_host_status(const std::vector<HostStatus>& entries) {
    std::string text;
    for (const auto& e : entries) {
        text += one_field(e.transport) + "\t" + one_field(e.destination) + "\t" + std::to_string(e.failed_at) + "\t" +
                std::to_string(e.retry_at) + "\t" + one_field(e.reason) + "\n";
        if (text.size() > kMaxHostStatusFile) break;
    }
    return text;
}

std::vector<HostStatus> parse_host_status(std::string_view text) {
    std::vector<HostStatus> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        auto f = split_tabs(line);
        HostStatus e;
        if (f.size() != 5 || f[0].empty() || f[1].empty() || !parse_time(f[2], e.failed_at) ||
            !parse_time(f[3], e.retry_at))
            continue;
        e.transport = f[0];
        e.destination = f[1];
        e.reason = f[4];
        out.push_back(std::move(e));
    }
    return out;
}

Result<std::vector<HostStatus>> read_host_status(const QueueDir& q) {
    auto text = read_file(host_status_path(q), kMaxHostStatusFile);
    if (!text) {
        if (text.error().sys_errno == ENOENT) return std::vector<HostStatus>{};
        return text.error();
    }
    return parse_host_status(*text);
}

Status write_host_status(const QueueDir& q, const std::vector<HostStatus>& entries) {
    if (entries.empty()) return purge_host_status(q);
    return write_file_atomic(host_status_path(q), format_host_status(entries), 0644);
}

Status purge_host_status(const QueueDir& q) {
    std::string path = host_status_path(q);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return errno_error(path);
    return fsync_dir(q.root());
}

Result<std::size_t> forget_host_status(const QueueDir& q, std::string_view domain, bool subdomains) {
    auto entries = read_host_status(q);
    if (!entries) return entries.error();
    auto before = entries->size();
    std::erase_if(*entries, [&](const HostStatus& e) { return address_in_domain("@" + e.destination, domain, subdomains); });
    std::size_t gone = before - entries->size();
    if (gone > 0) POSTERN_TRY(write_host_status(q, *entries));
    return gone;
}

std::string render_host_status(const std::vector<HostStatus>& entries, std::time_t now) {
    if (entries.empty()) return "No host status\n";
    std::string out = " -------------- Hostname --------------- How long ago ---------Results---------\n";
    for (const auto& e : entries) {
        std::string host = e.transport == "smtp" ? e.destination : e.transport + ":" + e.destination;
        char head[128];
        std::snprintf(head, sizeof head, " %-39s %12s ", host.c_str(), interval(now - e.failed_at).c_str());
        out += head;
        out += "Deferred: " + e.reason + " (retry after " + clock_time(e.retry_at) + ")\n";
    }
    return out;
}

int print_host_status(const QueueDir& q, const std::string& program, std::FILE* out) {
    auto entries = read_host_status(q);
    if (!entries) return io_failure(program, entries.error());
    std::fputs(render_host_status(*entries, std::time(nullptr)).c_str(), out);
    return ex::kOk;
}

int purge_host_status_command(const QueueDir& q, const std::string& program) {
    if (auto st = purge_host_status(q); !st) return io_failure(program, st.error());
    (void)ipc::send_trigger(qmgr_trigger_path(q), kTriggerHostStatus);
    return ex::kOk;
}

}  // namespace postern::queue
