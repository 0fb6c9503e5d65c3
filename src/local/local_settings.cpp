// Settings from main.conf.
#include "local_settings.hpp"

#include <unistd.h>

#include "lib/base/strings.hpp"
#include "maps/map_list.hpp"

namespace postern::local {

bool Settings::privileged() const { return !user_instance && ::geteuid() == 0; }

Settings settings_from(const config::Config& cfg) {
    namespace p = config::params;
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    Settings s;
    s.queue_directory = cfg.get(p::queue_directory);
    s.cleanup_socket = s.queue_directory + "/private/cleanup";
    s.mail_spool_directory = cfg.get(p::mail_spool_directory);
    s.mailbox_format = lowercase(cfg.get(p::mailbox_format)) == "maildir" ? MailboxFormat::Maildir : MailboxFormat::Mbox;
    s.alias_maps = cfg.get(p::alias_maps);
    s.map_options = maps::options_from(cfg);
    s.recipient_delimiter = cfg.get(p::recipient_delimiter);
    for (const auto& d : cfg.get(p::mydestination)) s.local_domains.push_back(lowercase(d));
    s.user_instance = cfg.get(p::user_instance);
    s.forward_path = cfg.get(p::forward_path);
    s.default_privs = cfg.get(p::default_privs);
    s.myhostname = cfg.get(p::myhostname);
    s.bounce_size_limit = cfg.get(p::bounce_size_limit);
    s.allow_restricted_shell = cfg.get(p::allow_restricted_shell_deliveries);
    s.forward_file_size_limit = cfg.get(p::forward_file_size_limit);
    s.command_time_limit = duration_cast<milliseconds>(cfg.get(p::command_time_limit));
    s.alias_depth_limit = static_cast<std::size_t>(cfg.get(p::alias_expansion_depth_limit));
    s.alias_recipient_limit = static_cast<std::size_t>(cfg.get(p::alias_expansion_recipient_limit));
    s.alias_file_size_limit = cfg.get(p::alias_file_size_limit);
    s.alias_entry_length_limit = static_cast<std::size_t>(cfg.get(p::alias_entry_length_limit));
    s.header_size_limit = cfg.get(p::header_size_limit);
    s.lock_attempts = static_cast<int>(cfg.get(p::deliver_lock_attempts));
    s.lock_delay = duration_cast<milliseconds>(cfg.get(p::deliver_lock_delay));
    s.stale_lock_time = cfg.get(p::stale_lock_time);
    s.ipc_timeout = duration_cast<milliseconds>(cfg.get(p::ipc_timeout));
    s.delivery_timeout = duration_cast<milliseconds>(cfg.get(p::daemon_timeout));
    s.ipc_limits.max_payload = static_cast<std::size_t>(cfg.get(p::ipc_message_size_limit));
    return s;
}

}  // namespace postern::local
