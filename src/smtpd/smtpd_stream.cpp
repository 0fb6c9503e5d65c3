// Plain and TLS I/O for one client.
#include "smtpd_stream.hpp"

#include <openssl/ssl.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "lib/base/log.hpp"

namespace postern::smtpd {

asio::awaitable<std::size_t> Stream::read_some(std::span<char> into, ErrorCode& ec) {
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    auto buf = asio::buffer(into.data(), into.size());
    if (tls_) co_return co_await tls_->async_read_some(buf, token);
    co_return co_await socket_.async_read_some(buf, token);
}

asio::awaitable<void> Stream::write(std::string_view data, ErrorCode& ec) {
    auto token = asio::redirect_error(asio::use_awaitable, ec);
    auto buf = asio::buffer(data.data(), data.size());
    if (tls_) co_await asio::async_write(*tls_, buf, token);
    else co_await asio::async_write(socket_, buf, token);
}

asio::awaitable<void> Stream::start_tls(asio::ssl::context& ctx, ErrorCode& ec) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, ctx);
    co_await tls_->async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
}

std::string Stream::tls_description() const {
    if (!tls_) return {};
    SSL* ssl = const_cast<asio::ssl::stream<tcp::socket&>&>(*tls_).native_handle();
    return std::string(SSL_get_version(ssl)) + " with cipher " + SSL_get_cipher_name(ssl);
}

void Stream::cancel() {
    ErrorCode ignored;
    socket_.cancel(ignored);
}

void Stream::close() {
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

namespace {

int min_version(const std::string& protocols) {
    static constexpr std::pair<std::string_view, int> kVersions[] = {
        {">=TLSv1", TLS1_VERSION}, {">=TLSv1.1", TLS1_1_VERSION}, {">=TLSv1.2", TLS1_2_VERSION},
        {">=TLSv1.3", TLS1_3_VERSION}};
    for (const auto& [name, v] : kVersions)
        if (protocols == name) return v;
    return 0;
}

}  // namespace

std::unique_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file, const std::string& key_file,
                                                     const std::string& protocols) {
    if (cert_file.empty()) return nullptr;
    int version = min_version(protocols);
    if (version == 0) {
        log::warn("smtpd_tls_protocols: want >=TLSv1, >=TLSv1.1, >=TLSv1.2 or >=TLSv1.3, not \"%s\"; STARTTLS disabled",
                  log::printable(protocols).c_str());
        return nullptr;
    }
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ErrorCode ec;
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_compression |
                     asio::ssl::context::single_dh_use, ec);
    ctx->use_certificate_chain_file(cert_file, ec);
    if (ec) {
        log::warn("%s: cannot load TLS certificate: %s; STARTTLS disabled", cert_file.c_str(), ec.message().c_str());
        return nullptr;
    }
    ctx->use_private_key_file(key_file, asio::ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        log::warn("%s: cannot load TLS key matching %s; STARTTLS disabled", key_file.c_str(), cert_file.c_str());
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx->native_handle(), version);
    return ctx;
}

}  // namespace postern::smtpd
