// Settings from main.conf.
#include "smtp_settings.hpp"

namespace postern::smtp {

Result<Settings> settings_from(const config::Config& cfg) {
    namespace p = config::params;
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    Settings s;
    s.queue_directory = cfg.get(p::queue_directory);
    s.default_port = static_cast<int>(cfg.get(p::smtp_tcp_port));
    s.mx_address_limit = static_cast<std::size_t>(cfg.get(p::smtp_mx_address_limit));
    s.dns.servers = cfg.get(p::smtp_dns_servers);
    s.dns.port = static_cast<int>(cfg.get(p::smtp_dns_port));
    s.dns.timeout = duration_cast<milliseconds>(cfg.get(p::smtp_dns_timeout));
    s.session.helo_name = cfg.get(p::smtp_helo_name);
    s.session.connect_timeout = duration_cast<milliseconds>(cfg.get(p::smtp_connect_timeout));
    s.session.reply_timeout = duration_cast<milliseconds>(cfg.get(p::smtp_reply_timeout));
    s.session.tls_timeout = duration_cast<milliseconds>(cfg.get(p::smtp_tls_handshake_timeout));
    s.session.reply_lines = static_cast<std::size_t>(cfg.get(p::smtp_reply_size_limit));
    s.session.line_limit = static_cast<std::size_t>(cfg.get(p::line_length_limit));
    auto level = parse_tls_level(cfg.get(p::smtp_tls_security_level));
    if (!level) return level.error();
    auto tls = TlsClient::create(*level, cfg.get(p::smtp_tls_CAfile));
    if (!tls) return tls.error();
    s.tls = std::make_shared<TlsClient>(std::move(*tls));
    s.session.tls = s.tls.get();
    s.cache.size = cfg.get(p::smtp_connection_reuse) ? static_cast<std::size_t>(cfg.get(p::smtp_connection_cache_size)) : 0;
    s.cache.time_limit = duration_cast<milliseconds>(cfg.get(p::smtp_connection_cache_time_limit));
    s.cache.reuse_limit = static_cast<unsigned>(cfg.get(p::smtp_connection_reuse_count_limit));
    s.ipc_timeout = duration_cast<milliseconds>(cfg.get(p::ipc_timeout));
    s.ipc_limits.max_payload = static_cast<std::size_t>(cfg.get(p::ipc_message_size_limit));
    return s;
}

}  // namespace postern::smtp
