// Settings: the parameters smtp reads, taken from main.conf once at
// start-up. Tests build one directly.
#pragma once

#include <memory>
#include <string>

#include "lib/config/config.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/channel.hpp"
#include "smtp_conn_cache.hpp"
#include "smtp_dns.hpp"
#include "smtp_session.hpp"
#include "smtp_tls.hpp"

namespace postern::smtp {

struct Settings {
    std::string queue_directory;
    int default_port = 25;            // $smtp_tcp_port
    std::size_t mx_address_limit = 5;
    DnsSettings dns;
    SessionSettings session;          // session.tls points at tls below
    std::shared_ptr<TlsClient> tls;
    CacheLimits cache;                // size 0 when $smtp_connection_reuse = no
    ipc::Millis ipc_timeout{3600 * 1000};
    ipc::Limits ipc_limits;
};

// Fatal configuration problems (an unknown TLS level, an unreadable CA
// file) are returned as errors: the daemon refuses to start with them.
Result<Settings> settings_from(const config::Config& cfg);

}  // namespace postern::smtp
