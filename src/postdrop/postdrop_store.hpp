// postdrop's one job: copy a queue-file stream from stdin into a new file in
// maildrop/, and keep it only when it is a valid, complete queue file within
// the limits. The input comes from any local user and is not trusted.
//
// Bounds: the stream may not exceed max_stream_bytes() (message_size_limit
// plus the record framing that recipient_limit recipients need); the written
// file is then read back with queue::read_envelope limited to
// recipient_limit recipients and message_size_limit content bytes. A 'U'
// (uid) record in the stream is kept but means nothing: pickup takes the
// submitter from the file's owner. The file is fsynced, renamed to its
// queue ID and the directory fsynced before success is reported.
#pragma once

#include <cstdint>
#include <string>

#include "lib/base/file_ops.hpp"
#include "lib/queue/queue_dir.hpp"

namespace postern::postdrop {

struct StoreLimits {
    std::uint64_t message_size_limit = 0;
    long long recipient_limit = 0;
};

std::uint64_t max_stream_bytes(const StoreLimits& limits);

struct StoreResult {
    int exit_code = 0;       // sysexits: 0, EX_DATAERR (bad input), EX_TEMPFAIL (system trouble)
    std::string message;     // one line when exit_code != 0
    std::string queue_id;    // when exit_code == 0
};

// Nothing is left in maildrop/ unless exit_code == 0.
StoreResult store_maildrop_file(queue::QueueDir& q, int input_fd, const StoreLimits& limits,
                                FileOps& ops = posix_file_ops());

}  // namespace postern::postdrop
