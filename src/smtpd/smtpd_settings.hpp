// Settings: the parameters smtpd reads, taken from main.conf once at
// start-up. Tests build one directly.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/dns/dns_settings.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/resolve/resolve_users.hpp"
#include "smtpd_networks.hpp"

namespace postern::smtpd {

enum class BareNewline { Normalize, Reject };

struct Settings {
    std::string myhostname = "localhost";
    std::string banner = "localhost ESMTP postern";
    std::vector<std::string> mydestination;   // normalized
    std::vector<std::string> relay_domains;   // normalized
    std::vector<std::string> virtual_alias_domains;  // normalized
    NetworkList mynetworks;
    NetworkList limit_exceptions;
    resolve::UserDirectory users;
    std::vector<std::string> alias_maps;
    std::uint64_t alias_file_size_limit = 64u << 20;
    std::size_t alias_entry_length_limit = 65536;

    std::string cleanup_socket;               // $queue_directory/private/cleanup
    std::string anvil_socket;                 // $queue_directory/private/anvil
    std::string queue_directory;              // as seen after the chroot (ETRN)
    std::size_t line_length_limit = 2048;
    std::uint64_t message_size_limit = 10240000;
    std::size_t recipient_limit = 1000;
    std::size_t hard_error_limit = 20;
    std::size_t process_session_limit = 2000;
    std::size_t client_count_limit = 50;      // 0: none
    std::size_t client_rate_limit = 0;        // 0: none
    std::chrono::seconds rate_time_unit{60};
    std::chrono::seconds timeout{300};
    std::chrono::seconds tls_handshake_timeout{60};
    std::chrono::seconds ipc_timeout{3600};
    ipc::Limits ipc_limits;
    BareNewline bare_newline = BareNewline::Normalize;
    bool vrfy_enabled = false;
    bool peername_lookup = true;              // smtpd_client_name.hpp
    dns::Settings client_name_dns{{}, 53, std::chrono::seconds(10)};

    std::string tls_cert_file;
    std::string tls_key_file;
    std::string tls_protocols = ">=TLSv1.2";
};

// Error: a value smtpd cannot use (bad network, unknown policy word).
Result<Settings> settings_from(const config::Config& cfg, bool chroot);

}  // namespace postern::smtpd
