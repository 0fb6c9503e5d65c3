// Queue file names that arrive in requests from other processes
// (DeliverRequest::queue_file, "active/ID" or "deferred/X/ID"): a delivery
// agent opens only a path that stays inside $queue_directory.
#pragma once

#include <string_view>

namespace postern::queue {

// True when rel is "sub/NAME" or "sub/X/NAME", each part made of letters,
// digits, '_' and '-', none starting with '.'.
bool valid_queue_path(std::string_view rel);

}  // namespace postern::queue
