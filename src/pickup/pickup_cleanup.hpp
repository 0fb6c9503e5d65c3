// One submission to cleanup: CleanupOpen, the content as CleanupData
// frames of at most kChunk bytes, CleanupEnd, then cleanup's CleanupReply.
// The envelope comes from the maildrop file but the uid is the file's
// owner, never a claim inside the file. A lost connection, a timeout or a
// malformed reply is a temporary failure: the maildrop file stays.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "lib/queue/queue_file.hpp"
#include "pickup_settings.hpp"

namespace postern::pickup {

inline constexpr std::size_t kChunk = 65536;

struct CleanupResult {
    enum class Kind { Ok, TempFail, PermFail } kind = Kind::TempFail;
    std::string queue_id;  // Ok: the new queue file's ID
    std::string reason;    // otherwise: one line
};

// file_fd is the open maildrop file; env was read from it.
CleanupResult send_to_cleanup(int file_fd, const queue::Envelope& env, uid_t owner, const Settings& s);

}  // namespace postern::pickup
