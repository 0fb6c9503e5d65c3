// OpenSSL client context and sessions (see the header).
#include "smtp_tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "lib/base/strings.hpp"

namespace postern::smtp {

Result<TlsLevel> parse_tls_level(std::string_view text) {
    static const std::pair<std::string_view, TlsLevel> kLevels[] = {
        {"none", TlsLevel::None}, {"may", TlsLevel::May}, {"encrypt", TlsLevel::Encrypt}, {"verify", TlsLevel::Verify}};
    for (const auto& [name, level] : kLevels)
        if (iequals(trim(text), name)) return level;
    return make_error("smtp_tls_security_level: unknown level \"" + std::string(text) + "\"");
}

void SslFree::operator()(ssl_st* ssl) const { SSL_free(ssl); }

std::string tls_error_text() {
    unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return "TLS failure";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

Result<TlsClient> TlsClient::create(TlsLevel level, const std::string& ca_file) {
    TlsClient c;
    c.level_ = level;
    if (level == TlsLevel::None) return c;
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return make_error("TLS context: " + tls_error_text());
    c.ctx_.reset(ctx, [](ssl_ctx_st* p) { SSL_CTX_free(p); });
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    if (level == TlsLevel::Verify) {
        int ok = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                 : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
        if (ok != 1) return make_error("smtp_tls_CAfile " + ca_file + ": " + tls_error_text());
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else {
        // Opportunistic and "encrypt" TLS protect against passive listeners
        // only; checking certificates there would just defer mail.
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    return c;
}

Result<TlsSession> TlsClient::new_session(int fd, const std::string& server_name) const {
    if (!ctx_) return make_error("TLS is disabled");
    TlsSession ssl(SSL_new(ctx_.get()));
    if (!ssl) return make_error("TLS session: " + tls_error_text());
    if (SSL_set_fd(ssl.get(), fd) != 1) return make_error("TLS session: " + tls_error_text());
    if (!server_name.empty()) SSL_set_tlsext_host_name(ssl.get(), server_name.c_str());
    if (level_ == TlsLevel::Verify && SSL_set1_host(ssl.get(), server_name.c_str()) != 1)
        return make_error("TLS host check: " + tls_error_text());
    return ssl;
}

}  // namespace postern::smtp
