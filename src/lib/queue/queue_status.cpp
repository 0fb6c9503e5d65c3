// Defer logs, triggers and due times (see the header).
#include "lib/queue/queue_status.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base/safe_file.hpp"
#include "lib/queue/queue_id.hpp"

namespace postern::queue {
std::string one_field(std::string_view s) {
    std::string out;
    for (char c : s) out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    return out;
}

namespace {

std::string log_path(const QueueDir& q, std::string_view id) { return q.dir(kDeferLog) + "/" + std::string(id); }

}  // namespace

Status write_defer_log(const QueueDir& q, std::string_view id, const std::map<std::string, std::string>& reasons) {
    if (!valid_queue_id(id)) return make_error("bad queue id");
    std::string text;
    for (const auto& [addr, why] : reasons) text += one_field(addr) + "\t" + one_field(why) + "\n";
    if (text.size() > kMaxDeferLog) text.resize(kMaxDeferLog);
    // Advisory (what mailq shows), so not fsynced: qmgr writes one for every
    // deferral, and a full deferred-queue scan must not wait for the disk.
    return write_file_atomic(log_path(q, id), text, 0600, /*durable=*/false);
}

std::map<std::string, std::string> read_defer_log(const QueueDir& q, std::string_view id) {
    std::map<std::string, std::string> out;
    if (!valid_queue_id(id)) return out;
    auto text = read_file(log_path(q, id), kMaxDeferLog + 1);
    if (!text) return out;
    std::string_view rest = *text;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        auto tab = line.find('\t');
        if (tab != std::string_view::npos) out.emplace(line.substr(0, tab), line.substr(tab + 1));
    }
    return out;
}

void remove_defer_log(const QueueDir& q, std::string_view id) {
    if (valid_queue_id(id)) ::unlink(log_path(q, id).c_str());
}

Status make_due(const QueueDir& q, std::string_view sub, std::string_view id) {
    if (!valid_queue_id(id)) return make_error("bad queue id");
    std::string path = q.path(sub, id);
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) != 0) return errno_error(path);
    return {};
}

std::string qmgr_trigger_path(const QueueDir& q) { return q.dir("public") + "/qmgr"; }

}  // namespace postern::queue
