// The STARTTLS client side with OpenSSL, by $smtp_tls_security_level:
//   none     never STARTTLS
//   may      STARTTLS when offered, no certificate checks; a failed
//            handshake makes the client retry the server without TLS
//   encrypt  STARTTLS required (4.7.4 deferral when not offered), no checks
//   verify   STARTTLS required; the chain must verify against
//            $smtp_tls_CAfile (or the system store) and the certificate
//            must name the server host
// TlsClient owns one SSL_CTX for the process; TlsSession one SSL.
#pragma once

#include <memory>
#include <string>

#include "lib/base/result.hpp"

struct ssl_ctx_st;
struct ssl_st;

namespace postern::smtp {

enum class TlsLevel { None, May, Encrypt, Verify };

Result<TlsLevel> parse_tls_level(std::string_view text);

struct SslFree {
    void operator()(ssl_st* ssl) const;
};
using TlsSession = std::unique_ptr<ssl_st, SslFree>;

class TlsClient {
public:
    static Result<TlsClient> create(TlsLevel level, const std::string& ca_file);
    TlsLevel level() const { return level_; }
    // A new SSL for fd with SNI = server_name and, at level verify, the
    // host name check armed.
    Result<TlsSession> new_session(int fd, const std::string& server_name) const;

private:
    struct CtxFree {
        void operator()(ssl_ctx_st* ctx) const;
    };
    TlsLevel level_ = TlsLevel::None;
    std::shared_ptr<ssl_ctx_st> ctx_;
};

// The last OpenSSL error as one line (and clears the queue).
std::string tls_error_text();

}  // namespace postern::smtp
