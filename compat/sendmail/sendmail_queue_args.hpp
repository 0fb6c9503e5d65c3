// The -q flag family of sendmail 8.17, as postern maps it onto its queue:
//   -q, -qf            flush the deferred queue now (qmgr delivers; the
//                      command does not wait)
//   -qTIME, -qpTIME    sendmail's periodic / persistent queue runner:
//                      postern's qmgr already runs the deferred queue every
//                      $queue_run_delay, so this flushes once; TIME must
//                      still be a valid sendmail interval ("30m", "1h30m")
//   -q[!]Rsubstr, -q[!]Ssubstr, -q[!]Isubstr
//                      restrict the run (or -Q) to messages whose pending
//                      recipient / sender / queue ID contains substr (case-
//                      insensitive; "!" negates); several filters must all
//                      match. The substring may also be the next argument.
//   -qG, -q[!]Q, -qL   queue groups, quarantine reasons and lost items do
//                      not exist in postern: refused with EX_USAGE.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sendmail_options.hpp"

namespace postern::sendmail {

// rest: what follows "q" in args[i]; may consume args[i+1].
std::optional<UsageError> parse_queue_flag(const std::vector<std::string>& args, std::size_t& i,
                                           std::string_view rest, Options& o);
// sendmail's interval syntax: digits with an optional unit (s m h d w,
// without one, minutes: "-q30" is 30 minutes), concatenated
// ("1h30m"). nullopt when malformed or over a year.
std::optional<long long> parse_interval(std::string_view text);

}  // namespace postern::sendmail
