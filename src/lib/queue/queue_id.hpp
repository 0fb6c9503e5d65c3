// Queue IDs: unique across restarts and sortable by arrival time.
//
// An ID is 7 characters of seconds since the epoch (35 bits) and 4 of
// microseconds (20 bits), fixed width, then the inode number of the queue
// file (as few characters as it needs, at least one), all in base 32 over
// the alphabet "0123456789BCDFGHJKLMNPQRSTVWXYZa" (digit value = position).
// The alphabet is in ASCII order, so comparing IDs as strings sorts them by
// arrival time. The inode makes an ID unique among files that exist at once
// on the queue's file system; the time prefix makes it sort by arrival and
// makes a reused inode yield a new ID. IDs are 12..24 characters.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <string>
#include <string_view>

namespace postern::queue {

std::string make_queue_id(const struct timespec& when, ino_t inode);
bool valid_queue_id(std::string_view id);
// The arrival time encoded in an ID (seconds and microseconds), for mailq;
// false when id is not valid.
bool queue_id_time(std::string_view id, struct timespec& when);

}  // namespace postern::queue
