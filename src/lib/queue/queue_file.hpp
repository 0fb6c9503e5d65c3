// The queue file: one per message, in maildrop/ (from postdrop) and in
// incoming/active/deferred/hold (from cleanup). Bytes, never text.
//
// Layout: the 8-byte magic "POSTERNQ", then records:
//     type (1 byte) | length (u32 BE) | payload (length bytes)
// in this order:
//   'V' version ("1")                       exactly once, first
//   'T' arrival time "SECONDS.MICROS"       once (MICROS: exactly 6 digits)
//   'S' envelope sender ("" = <>)           once
//   'F' full name (sendmail -F)             optional, once
//   'U' submitting uid (decimal)            optional, once
//   'X' flags: "t" = extract recipients     optional, once
//   'A' attribute "name=value"              any number (client, helo, origin...)
//   'R' recipient: status(1) address \0 orcpt \0 notify   any number
//       status: '-' pending, 'D' delivered, 'B' bounced, 'E' expired/failed
//       The status byte is updated in place (pwrite, then fsync) as
//       recipients complete, so a restart never repeats a finished recipient.
//   'M' start of content (empty payload)     once
//   'D' content data (raw bytes, "\n" line ends), each at most kMaxData bytes
//   'E' end (empty payload)                  once, last; nothing may follow
// A file that lacks 'E', has an unknown record type, breaks the order, or
// exceeds a bound is corrupt: readers report it, callers move it to corrupt/.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/file_ops.hpp"
#include "lib/base/result.hpp"
#include "lib/queue/queue_sync.hpp"

namespace postern::queue {

inline constexpr std::string_view kMagic = "POSTERNQ";
inline constexpr std::uint32_t kVersion = 1;
inline constexpr std::size_t kMaxData = 65536;        // one 'D' record
inline constexpr std::size_t kMaxEnvelopeRecord = 65536;

enum class RcptStatus : char { Pending = '-', Delivered = 'D', Bounced = 'B', Expired = 'E' };

struct Recipient {
    std::string address;
    std::string orcpt;
    std::string notify;
    RcptStatus status = RcptStatus::Pending;
    off_t status_offset = 0;  // file offset of the status byte (set by the reader)
};

struct Envelope {
    struct timespec arrival {};
    std::string sender;
    std::string full_name;
    long long uid = -1;
    bool extract_recipients = false;
    std::vector<std::pair<std::string, std::string>> attrs;
    std::vector<Recipient> recipients;
    off_t content_offset = 0;   // offset of the first record after 'M'
    std::uint64_t content_size = 0;  // sum of 'D' payloads
};

// Bounds for files from other processes (a maildrop file is the submitting
// user's). Exceeding one makes the file corrupt.
struct ReadLimits {
    std::size_t max_recipients = 1000000;
    std::uint64_t max_content = 1ull << 40;
    std::size_t max_attributes = 1000;
    std::uint64_t max_envelope_bytes = 256ull << 20;  // all envelope payloads together
};

// Writes a queue file sequentially to fd (created by the caller).
// Nothing is durable until finish() returns ok. Small writes are gathered
// into 'D' records of up to kMaxData bytes and written in large writes; the
// first failure is sticky (every later call returns an error), so a caller
// can never finish() a file with a hole in it.
class Writer {
public:
    Writer(int fd, FileOps& ops = posix_file_ops());
    Status write_envelope(const Envelope& env);  // V T S F U X A* R*, then 'M'
    Status write_data(std::string_view data);    // splits into 'D' records; buffered
    Status finish();                             // flush, 'E', fsync(fd)
    std::uint64_t content_size() const { return content_size_; }

private:
    Status flush();
    Status put_record(char type, std::string_view payload);
    Status fail(Error error);
    int fd_;
    FileOps& ops_;
    std::string buf_;
    std::uint64_t content_size_ = 0;
    bool envelope_done_ = false;
    std::size_t open_data_ = std::string::npos;  // offset in buf_ of a growing 'D' header
    bool finished_ = false;
    bool failed_ = false;
};

// Read and validate the whole file (envelope fully, content records skipped
// but checked for structure and the final 'E'). Uses pread from offset 0
// through a bounded buffer; fd must be a regular file. Errors are one line
// naming the offset: "queue file: truncated record at offset 1234".
Result<Envelope> read_envelope(int fd, const ReadLimits& limits = {});
// Stream the content (the 'D' payloads in order) to sink, in chunks of at
// most kMaxData bytes; env must come from read_envelope on the same file.
// The first error from sink stops the stream and is returned.
Status read_content(int fd, const Envelope& env, const std::function<Status(std::string_view)>& sink);
// Update one recipient's status byte in place and fsync (Sync::later: the
// caller fsyncs). Refuses an offset that does not hold a status byte now.
Status mark_recipient(int fd, off_t status_offset, RcptStatus status, FileOps& ops = posix_file_ops(),
                      Sync sync = Sync::now);

}  // namespace postern::queue
