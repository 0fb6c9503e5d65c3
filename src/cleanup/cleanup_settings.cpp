#include "cleanup_settings.hpp"

#include <unistd.h>

#include <climits>

namespace postern::cleanup {
namespace {

// An empty myhostname means the system's name (params.def).
std::string system_hostname() {
    char buf[HOST_NAME_MAX + 1] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
    return buf;
}

}  // namespace

Settings Settings::from_config(const config::Config& cfg, const std::string& queue_root) {
    namespace p = config::params;
    Settings s;
    s.myhostname = cfg.get(p::myhostname);
    if (s.myhostname.empty()) s.myhostname = system_hostname();
    s.myorigin = cfg.get(p::myorigin);
    if (s.myorigin.empty()) s.myorigin = s.myhostname;
    s.message_size_limit = cfg.get(p::message_size_limit);
    s.header_size_limit = static_cast<std::size_t>(cfg.get(p::header_size_limit));
    s.recipient_limit = static_cast<std::size_t>(cfg.get(p::recipient_limit));
    s.hopcount_limit = static_cast<std::size_t>(cfg.get(p::hopcount_limit));
    s.ipc_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.get(p::ipc_timeout));
    s.ipc_limits.max_payload = static_cast<std::size_t>(cfg.get(p::ipc_message_size_limit));
    s.qmgr_trigger = queue_root + "/public/qmgr";
    return s;
}

}  // namespace postern::cleanup
