// The queue listing shared by mailq (sendmail -bp) and postern-queue list,
// in the layout sendmail and Postfix users know:
//
//   -Queue ID--------------- --Size-- ----Arrival Time----  -Sender/Recipient-------
//   1PJ4XH34L1NBG89M*            1234 Mon Jan  6 12:00:00   alice
//   (connect to mx.example.org[192.0.2.1]:25: Connection refused)
//                                                           bob@example.org
//
//   -- 2 Kbytes in 1 Request.
//
// The mark after the ID: "*" active, "!" on hold, "^" still in maildrop.
// A deferred recipient is preceded by its last status in parentheses (from
// the defer log, see queue_status.hpp). "Mail queue is empty" when there is
// nothing. Addresses are printed through log::printable (queue files may
// hold any bytes). Reads $queue_directory directly: the caller must be able
// to (root, the mail owner, or the owner of a user instance).
#pragma once

#include <cstdio>
#include <string>

#include "lib/queue/queue_dir.hpp"

namespace postern::queue {

// Write the listing to out; returns a sysexits code (EX_NOPERM when a queue
// directory cannot be read, after one line on stderr naming it).
int list_queue(const QueueDir& q, const std::string& program, std::FILE* out);

}  // namespace postern::queue
