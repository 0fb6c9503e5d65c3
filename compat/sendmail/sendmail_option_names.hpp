// sendmail's configuration options as given on the command line:
// "-oXvalue" (one-letter name, value attached: -odb, -oem, -oQ/var/spool)
// and "-O Name=value" (long name; "-O IgnoreDots" alone means True).
//
// Only a few mean something to a postern submission: DeliveryMode (d),
// ErrorMode (e), IgnoreDots (i), QueueDirectory (Q: -bp, -q) and AliasFile
// (A: -bv, -bt). Every other sendmail 8.17 option tunes sendmail's own
// queue runner, daemon or delivery agents, which postern configures in
// main.conf: those are accepted and ignored, as Postfix's sendmail does.
// An option name sendmail does not know either gets a warning on stderr and
// is ignored (sendmail itself reports "unknown option name" and goes on).
// A known option with a bad value (-odx, -oez) is a usage error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sendmail_options.hpp"

namespace postern::sendmail {

// "-o" argument (letter + value). warning is set for an unknown letter.
std::optional<UsageError> apply_letter_option(Options& o, std::string_view arg, std::string& warning);
// "-O" argument (Name[=value]).
std::optional<UsageError> apply_named_option(Options& o, std::string_view arg, std::string& warning);

}  // namespace postern::sendmail
