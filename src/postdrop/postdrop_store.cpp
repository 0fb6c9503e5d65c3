// Copy first, validate after: the validation is the queue library's own
// reader (the one pickup uses), so postdrop cannot accept a file that pickup
// would call corrupt, and there is no second parser to keep in step.
#include "postdrop_store.hpp"

#include <unistd.h>

#include <cerrno>

#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::postdrop {
namespace {

constexpr std::size_t kChunk = 65536;
constexpr std::uint64_t kRecordHeader = 5;       // type + u32 length
constexpr std::uint64_t kFixedOverhead = 512;    // magic and the single-use records
constexpr std::uint64_t kRecipientOverhead = 3;  // status byte and two NULs

StoreResult failure(int code, std::string message) { return StoreResult{code, std::move(message), {}}; }

// Copy stdin to fd, at most max bytes; the result's code is 0 on success.
StoreResult copy_bounded(int input_fd, int fd, const std::string& path, std::uint64_t max, FileOps& ops) {
    std::string buf(kChunk, '\0');
    std::uint64_t total = 0;
    for (;;) {
        ssize_t n = ::read(input_fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failure(ex::kIoErr, errno_error("read standard input").message);
        if (n == 0) return {};
        total += static_cast<std::uint64_t>(n);
        if (total > max) return failure(ex::kDataErr, "message too large (message_size_limit)");
        if (auto st = ops.write_all(fd, std::string_view(buf.data(), static_cast<std::size_t>(n))); !st)
            return failure(ex::kTempFail, path + ": " + st.error().message);
    }
}

StoreResult validate(int fd, const StoreLimits& limits) {
    queue::ReadLimits rl;
    rl.max_recipients = static_cast<std::size_t>(limits.recipient_limit);
    rl.max_content = limits.message_size_limit;
    auto env = queue::read_envelope(fd, rl);
    if (!env) return failure(ex::kDataErr, "invalid submission: " + env.error().message);
    return {};
}

}  // namespace

std::uint64_t max_stream_bytes(const StoreLimits& limits) {
    std::uint64_t recipients = static_cast<std::uint64_t>(limits.recipient_limit < 0 ? 0 : limits.recipient_limit);
    std::uint64_t data_records = limits.message_size_limit / queue::kMaxData + 1;
    return limits.message_size_limit + kFixedOverhead + recipients * (kRecordHeader + kRecipientOverhead) +
           data_records * kRecordHeader;
}

StoreResult store_maildrop_file(queue::QueueDir& q, int input_fd, const StoreLimits& limits, FileOps& ops) {
    auto nf = q.create(queue::kMaildrop, 0644);
    if (!nf) return failure(ex::kTempFail, nf.error().message);
    StoreResult r = copy_bounded(input_fd, nf->fd.get(), nf->temp_path, max_stream_bytes(limits), ops);
    if (r.exit_code == 0) {
        if (auto st = ops.fsync(nf->fd.get()); !st) r = failure(ex::kTempFail, nf->temp_path + ": " + st.error().message);
    }
    if (r.exit_code == 0) r = validate(nf->fd.get(), limits);
    if (r.exit_code == 0) {
        if (auto st = q.commit(*nf); !st) r = failure(ex::kTempFail, st.error().message);
    }
    if (r.exit_code != 0) {
        q.abandon(*nf);
        return r;
    }
    r.queue_id = nf->queue_id;
    return r;
}

}  // namespace postern::postdrop
