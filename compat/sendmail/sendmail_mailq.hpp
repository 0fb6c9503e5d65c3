// sendmail -bp / mailq: list the queue in the familiar layout, reading
// $queue_directory directly (the caller must be able to read it: root, the
// mail owner, or the owner of a user instance).
//
//   -Queue ID--------------- --Size-- ----Arrival Time----  -Sender/Recipient-------
//   1PJ4XH34L1NBG89M*            1234 Mon Jan  6 12:00:00   alice
//                                                           bob@example.org
//
//   -- 2 Kbytes in 1 Request.
//
// The mark after the ID: "*" active, "!" on hold, "^" still in maildrop.
// "Mail queue is empty" when there is nothing. Addresses are printed through
// log::printable (queue files may hold any bytes).
#pragma once

#include <cstdio>
#include <string>

#include "lib/config/config.hpp"
#include "lib/queue/queue_dir.hpp"

namespace postern::sendmail {

// Write the listing to out; returns a sysexits code (EX_NOPERM when a queue
// directory cannot be read, after one line on stderr naming it).
int list_queue(const queue::QueueDir& q, const std::string& program, std::FILE* out);
int list_queue(const config::Config& cfg, const std::string& program);

}  // namespace postern::sendmail
