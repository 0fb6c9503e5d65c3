// The client connection: a TCP socket that STARTTLS may turn into a TLS
// stream mid-session. Errors are returned through ec, never thrown.
// cancel() makes a pending read or write fail at once (the session's
// deadline timer uses it).
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace postern::smtpd {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

class Stream {
public:
    explicit Stream(tcp::socket socket) : socket_(std::move(socket)) {}

    asio::awaitable<std::size_t> read_some(std::span<char> into, ErrorCode& ec);
    asio::awaitable<void> write(std::string_view data, ErrorCode& ec);
    // Server side of the handshake; on failure the session must end.
    asio::awaitable<void> start_tls(asio::ssl::context& ctx, ErrorCode& ec);

    asio::any_io_executor executor() { return socket_.get_executor(); }
    bool tls_active() const { return tls_ != nullptr; }
    std::string tls_description() const;  // "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"
    void cancel();
    void close();

private:
    tcp::socket socket_;
    std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
};

// The STARTTLS context from $smtpd_tls_cert_file, $smtpd_tls_key_file and
// $smtpd_tls_protocols; nullptr (STARTTLS not offered) when no certificate
// is configured, or with a warning when it cannot be loaded.
std::unique_ptr<asio::ssl::context> make_tls_context(const std::string& cert_file, const std::string& key_file,
                                                     const std::string& protocols);

}  // namespace postern::smtpd
