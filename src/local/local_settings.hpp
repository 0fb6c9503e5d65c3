// Settings: the parameters local reads, taken from main.conf once at start-up
// and passed by const reference to every step. Tests build one directly, so
// the delivery code never needs a Config file.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/cleanup_submit.hpp"
#include "maps/map.hpp"

namespace postern::local {

enum class MailboxFormat { Mbox, Maildir };

struct Settings {
    std::string queue_directory;
    std::string mail_spool_directory;
    MailboxFormat mailbox_format = MailboxFormat::Mbox;
    std::vector<std::string> alias_maps;      // "type:name"
    maps::MapOptions map_options;             // for alias_maps other than texthash:
    std::string recipient_delimiter = "+";
    std::vector<std::string> local_domains;   // $mydestination, lower-case
    std::vector<std::string> forward_path{"$home/.forward${recipient_delimiter}${extension}", "$home/.forward"};
    std::string default_privs = "nobody";     // alias commands/files of root-owned tables
    std::string myhostname = "localhost";     // domain of owner-NAME senders for bare recipients
    bool allow_restricted_shell = false;      // $allow_restricted_shell_deliveries
    std::string shells_file = "/etc/shells";
    std::uint64_t forward_file_size_limit = 1 << 20;
    std::chrono::milliseconds command_time_limit{1000 * 1000};
    bool user_instance = false;

    std::size_t alias_depth_limit = 20;
    std::size_t alias_recipient_limit = 1000;
    std::uint64_t alias_file_size_limit = 64u << 20;
    std::size_t alias_entry_length_limit = 65536;
    std::uint64_t header_size_limit = 102400;

    int lock_attempts = 20;
    std::chrono::milliseconds lock_delay{1000};
    std::chrono::seconds stale_lock_time{300};

    std::string cleanup_socket;               // $queue_directory/private/cleanup (forwarding, owner notices)
    std::uint64_t bounce_size_limit = 50000;  // of the original in a notice to a list owner
    std::chrono::milliseconds ipc_timeout{3600 * 1000};
    std::chrono::milliseconds delivery_timeout{18000 * 1000};  // $daemon_timeout
    ipc::Limits ipc_limits;

    // Deliveries run in a child that becomes the recipient (system instance
    // started as root); otherwise in-process as the current user.
    bool privileged() const;
    ipc::CleanupEndpoint cleanup() const { return {cleanup_socket, ipc_timeout, ipc_limits}; }
};

Settings settings_from(const config::Config& cfg);

}  // namespace postern::local
