// Which DNS servers a lookup asks and how long it may take; shared by the
// SMTP client's MX lookups (smtp) and the client name lookup (smtpd).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace postern::dns {

struct Settings {
    std::vector<std::string> servers;  // empty: /etc/resolv.conf
    int port = 53;
    std::chrono::milliseconds timeout{20000};
};

// "Mail.Example.COM." -> "mail.example.com".
std::string normalize_name(std::string_view name);

}  // namespace postern::dns
