// One submission of a maildrop file to cleanup (lib/ipc/cleanup_submit).
// The envelope comes from the maildrop file but the uid is the file's
// owner, never a claim inside the file. A lost connection, a timeout or a
// malformed reply is a temporary failure: the maildrop file stays.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "lib/ipc/cleanup_submit.hpp"
#include "lib/queue/queue_file.hpp"
#include "pickup_settings.hpp"

namespace postern::pickup {

using ipc::CleanupResult;

// file_fd is the open maildrop file; env was read from it.
CleanupResult send_to_cleanup(int file_fd, const queue::Envelope& env, uid_t owner, const Settings& s);

}  // namespace postern::pickup
