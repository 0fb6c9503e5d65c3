// Message: read access to the queued message being delivered. The queue
// file is opened once by the session (as root or the instance user) and the
// fd is inherited by delivery children, which may no longer be allowed to
// open it; content is read with pread, so children share it safely.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::local {

struct Message {
    std::string queue_id;
    int fd = -1;               // queue file, read-only; owned by the session
    queue::Envelope envelope;  // as read_envelope returned it
};

using Sink = std::function<Status(std::string_view)>;

// Stream the content (headers and body, "\n" line ends) to sink.
Status stream_content(const Message& msg, const Sink& sink);

// The header block: the content up to and including the empty line that
// ends it (or all of it), at most max_bytes; a longer header block is cut
// at max_bytes (what follows counts as body, as in cleanup).
Result<std::string> read_header_block(const Message& msg, std::size_t max_bytes);

}  // namespace postern::local
