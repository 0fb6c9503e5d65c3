#include "pickup_settings.hpp"

namespace postern::pickup {

Settings settings_from_config(const config::Config& cfg, const std::string& queue_root) {
    Settings s;
    s.cleanup_socket = (queue_root == "/" ? "" : queue_root) + "/private/cleanup";
    s.ipc_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.get(config::params::ipc_timeout));
    s.ipc_limits.max_payload = static_cast<std::size_t>(cfg.get(config::params::ipc_message_size_limit));
    s.read_limits.max_recipients = static_cast<std::size_t>(cfg.get(config::params::recipient_limit));
    s.read_limits.max_content = cfg.get(config::params::message_size_limit);
    return s;
}

}  // namespace postern::pickup
