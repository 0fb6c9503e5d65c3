// cleanup's settings, read once from main.conf at start-up (every bound
// cleanup enforces is a parameter in params.def).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "lib/config/config.hpp"
#include "lib/ipc/attr.hpp"

namespace postern::cleanup {

struct Tables;  // cleanup_rewrite.hpp

struct Settings {
    std::string myhostname;
    std::string myorigin;                   // appended to unqualified addresses
    std::uint64_t message_size_limit = 10240000;
    std::size_t header_size_limit = 102400;
    std::size_t recipient_limit = 10000;
    std::size_t hopcount_limit = 50;
    std::chrono::milliseconds ipc_timeout{3600000};
    ipc::Limits ipc_limits;
    std::string qmgr_trigger;               // public/qmgr socket; "" = do not trigger
    // canonical and virtual tables (cleanup_rewrite.hpp); null: no rewriting.
    // Opened by main before it drops privileges.
    std::shared_ptr<Tables> tables;

    // queue_root: $queue_directory as this process sees it (after chroot: "/").
    static Settings from_config(const config::Config& cfg, const std::string& queue_root);
};

}  // namespace postern::cleanup
