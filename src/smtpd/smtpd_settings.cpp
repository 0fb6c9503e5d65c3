// Settings from main.conf.
#include "smtpd_settings.hpp"

#include <unistd.h>

#include "lib/base/strings.hpp"
#include "lib/resolve/resolve_route.hpp"

namespace postern::smtpd {
namespace {

namespace p = config::params;

std::string host_name(const config::Config& cfg) {
    std::string h = cfg.get(p::myhostname);
    if (!h.empty()) return h;
    char buf[256] = {};
    return ::gethostname(buf, sizeof buf - 1) == 0 ? std::string(buf) : std::string("localhost");
}

std::vector<std::string> domains(const std::vector<std::string>& in) {
    std::vector<std::string> out;
    for (const auto& d : in)
        if (auto n = resolve::normalize_domain(d); !n.empty()) out.push_back(std::move(n));
    return out;
}

Status set_limits(const config::Config& cfg, Settings& s) {
    s.line_length_limit = static_cast<std::size_t>(cfg.get(p::line_length_limit));
    s.message_size_limit = cfg.get(p::message_size_limit);
    s.recipient_limit = static_cast<std::size_t>(
        std::min(cfg.get(p::smtpd_recipient_limit), cfg.get(p::recipient_limit)));
    s.hard_error_limit = static_cast<std::size_t>(cfg.get(p::smtpd_hard_error_limit));
    s.process_session_limit = static_cast<std::size_t>(cfg.get(p::smtpd_process_session_limit));
    s.client_count_limit = static_cast<std::size_t>(cfg.get(p::smtpd_client_connection_count_limit));
    s.client_rate_limit = static_cast<std::size_t>(cfg.get(p::smtpd_client_connection_rate_limit));
    s.rate_time_unit = cfg.get(p::anvil_rate_time_unit);
    s.timeout = cfg.get(p::smtpd_timeout);
    s.tls_handshake_timeout = cfg.get(p::smtpd_tls_handshake_timeout);
    s.ipc_timeout = cfg.get(p::ipc_timeout);
    s.ipc_limits.max_payload = static_cast<std::size_t>(cfg.get(p::ipc_message_size_limit));
    std::string bare = lowercase(cfg.get(p::smtpd_bare_newline));
    if (bare == "normalize") s.bare_newline = BareNewline::Normalize;
    else if (bare == "reject") s.bare_newline = BareNewline::Reject;
    else return make_error("smtpd_bare_newline: want normalize or reject, not \"" + bare + "\"");
    return {};
}

}  // namespace

Result<Settings> settings_from(const config::Config& cfg, bool chroot) {
    Settings s;
    s.myhostname = host_name(cfg);
    s.banner = cfg.get(p::smtpd_banner);
    s.mydestination = domains(cfg.get(p::mydestination));
    s.relay_domains = domains(cfg.get(p::relay_domains));
    s.virtual_alias_domains = domains(cfg.get(p::virtual_alias_domains));
    auto nets = NetworkList::parse(cfg.get(p::mynetworks));
    if (!nets) return make_error("mynetworks: " + nets.error().message);
    s.mynetworks = std::move(*nets);
    auto exceptions = NetworkList::parse(cfg.get(p::smtpd_client_event_limit_exceptions));
    if (!exceptions) return make_error("smtpd_client_event_limit_exceptions: " + exceptions.error().message);
    s.limit_exceptions = std::move(*exceptions);
    s.users = resolve::UserDirectory{cfg.get(p::mail_spool_directory), lowercase(cfg.get(p::mailbox_format)) != "maildir",
                                     cfg.get(p::user_instance), cfg.get(p::recipient_delimiter)};
    s.alias_maps = cfg.get(p::alias_maps);
    s.alias_file_size_limit = cfg.get(p::alias_file_size_limit);
    s.alias_entry_length_limit = static_cast<std::size_t>(cfg.get(p::alias_entry_length_limit));
    std::string queue = cfg.get(p::queue_directory);
    s.cleanup_socket = (chroot ? std::string() : queue) + "/private/cleanup";
    s.anvil_socket = (chroot ? std::string() : queue) + "/private/anvil";
    s.queue_directory = chroot ? std::string("/") : queue;
    POSTERN_TRY(set_limits(cfg, s));
    s.vrfy_enabled = !cfg.get(p::disable_vrfy_command);
    s.peername_lookup = cfg.get(p::smtpd_peername_lookup);
    s.client_name_dns = {cfg.get(p::smtpd_dns_servers), static_cast<int>(cfg.get(p::smtpd_dns_port)),
                         cfg.get(p::smtpd_client_name_timeout)};
    s.tls_cert_file = cfg.get(p::smtpd_tls_cert_file);
    s.tls_key_file = cfg.get(p::smtpd_tls_key_file);
    s.tls_protocols = cfg.get(p::smtpd_tls_protocols);
    return s;
}

}  // namespace postern::smtpd
