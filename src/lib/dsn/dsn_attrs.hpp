// The RFC 3461 message-level DSN parameters as queue file attributes
// ('A' records): whoever accepts MAIL FROM ... RET=/ENVID= (smtpd, through
// cleanup) stores them under these names; qmgr's bounces and the smtp
// client read them back. ENVID is stored decoded (not xtext).
#pragma once

#include <string>
#include <string_view>

#include "lib/queue/queue_file.hpp"

namespace postern::dsn {

inline constexpr std::string_view kRetAttr = "dsn_ret";      // "FULL" or "HDRS"
inline constexpr std::string_view kEnvidAttr = "dsn_envid";  // original envelope id

// The value of attribute name in env, "" when absent.
std::string envelope_attr(const queue::Envelope& env, std::string_view name);

}  // namespace postern::dsn
