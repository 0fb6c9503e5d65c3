// Blocking submission of one message to cleanup (private/cleanup), shared by
// pickup (maildrop files) and local (forwarding to other domains):
// CleanupOpen, the content as CleanupData frames of at most kCleanupChunk
// bytes, CleanupEnd, then cleanup's CleanupReply. A lost connection, a
// timeout or a malformed reply is a temporary failure; only an Ok reply
// means the new queue file is durable (cleanup fsyncs before it answers).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "lib/base/result.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::ipc {

inline constexpr std::size_t kCleanupChunk = 65536;

struct CleanupResult {
    enum class Kind { Ok, TempFail, PermFail } kind = Kind::TempFail;
    std::string queue_id;  // Ok: the new queue file's ID
    std::string reason;    // otherwise: one line
};

struct CleanupEndpoint {
    std::string socket;                   // $queue_directory/private/cleanup
    std::chrono::milliseconds timeout{0};  // $ipc_timeout
    Limits limits;                         // $ipc_message_size_limit
};

// Feeds the content to sink (which sends CleanupData frames). A failure of
// the sink is a socket failure; any other failure is the producer's own
// (reported as "read error: ...").
using ContentSink = std::function<Status(std::string_view)>;
using ContentProducer = std::function<Status(const ContentSink&)>;

CleanupResult submit_to_cleanup(const CleanupEndpoint& ep, const CleanupOpen& open, const ContentProducer& content);

}  // namespace postern::ipc
