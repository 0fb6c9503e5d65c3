// sendmail -bh (hoststat) and -bH (purgestat): the dead-destination cache.
//
// qmgr remembers destinations that failed at connection level (refused,
// timed out, no reachable MX) in <queue_directory>/hoststat (see
// lib/queue/queue_hoststat.hpp) and defers their mail without connecting
// until the entry's retry time. These two modes show and clear that file.
//
//   show_host_status   one line per destination, in the layout of sendmail's
//                      hoststat: host, status, time of the failure, reason;
//                      "No host status" when the cache is empty.
//   purge_host_status  remove every entry (sendmail's purgestat) and ask a
//                      running qmgr (trigger on public/qmgr) to forget its
//                      in-memory copy, so the destinations are tried again.
//
// Both return a sysexits code: EX_OK, EX_NOPERM when the file cannot be read
// or written (after one line on stderr naming it), EX_UNAVAILABLE when the
// queue directory is missing.
#pragma once

#include <cstdio>
#include <string>

#include "lib/config/config.hpp"

namespace postern::sendmail {

int show_host_status(const config::Config& cfg, const std::string& program);
int purge_host_status(const config::Config& cfg, const std::string& program);

// For tests: the same, on an explicit queue root and output stream.
int show_host_status(const std::string& queue_root, const std::string& program, std::FILE* out);
int purge_host_status(const std::string& queue_root, const std::string& program);

}  // namespace postern::sendmail
