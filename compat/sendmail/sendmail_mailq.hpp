// sendmail -bp / mailq: list the queue in the familiar layout (see
// lib/queue/queue_listing.hpp for the layout and its rules).
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
