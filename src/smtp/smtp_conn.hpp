// One TCP connection to an SMTP server, plain or (after STARTTLS) TLS.
//
// The socket is non-blocking; every connect, read, write and handshake is
// bounded by the timeout given with it (poll), so a silent server costs at
// most that long. Lines are read through a buffer that never holds more
// than max_line bytes of one line: a longer reply line is an error (servers
// must keep to 512 bytes; the bound is $line_length_limit).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"
#include "smtp_tls.hpp"

namespace postern::smtp {

using Millis = std::chrono::milliseconds;

class Connection {
public:
    // address: numeric IPv4 or IPv6.
    static Result<Connection> open(const std::string& address, int port, Millis timeout);

    Status write(std::string_view data, Millis timeout);
    // One line without its CRLF (a bare LF ends a line too).
    Result<std::string> read_line(std::size_t max_line, Millis timeout);
    // TLS handshake on the open connection (after "220" to STARTTLS).
    Status start_tls(const TlsClient& tls, const std::string& server_name, Millis timeout);
    bool encrypted() const { return tls_ != nullptr; }
    std::string tls_summary() const;  // "TLSv1.3 with cipher TLS_AES_256_GCM_SHA384"
    // Nothing unread and nothing arriving, not even the peer's close: what
    // an idle session between transactions must look like to be reused
    // (a server that timed us out has sent 421 or closed).
    bool quiet() const;

private:
    explicit Connection(UniqueFd fd) : fd_(std::move(fd)) {}
    Result<std::size_t> read_some(char* buf, std::size_t n, Millis timeout);
    Result<std::size_t> write_some(std::string_view data, Millis timeout);

    UniqueFd fd_;
    TlsSession tls_;
    std::string in_;
    std::size_t in_pos_ = 0;
};

}  // namespace postern::smtp
