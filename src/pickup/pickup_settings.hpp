// What pickup needs from the config, gathered once so the scanning code can
// be driven by tests without a main.conf.
#pragma once

#include <chrono>
#include <string>

#include "lib/config/config.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::pickup {

struct Settings {
    std::string cleanup_socket;                 // $queue_directory/private/cleanup
    std::chrono::milliseconds ipc_timeout{0};   // $ipc_timeout
    ipc::Limits ipc_limits;                     // $ipc_message_size_limit
    queue::ReadLimits read_limits;              // $recipient_limit, $message_size_limit
    long temp_max_age = 3600;                   // seconds before a maildrop/.t file is stale
};

// queue_root is the queue directory as pickup sees it ("/" after a chroot).
Settings settings_from_config(const config::Config& cfg, const std::string& queue_root);

}  // namespace postern::pickup
