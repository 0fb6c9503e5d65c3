// Queue file writer and in-place recipient marking (layout in queue_file.hpp).
#include "lib/queue/queue_file.hpp"

#include <unistd.h>

#include <cstdio>

namespace postern::queue {
namespace {

constexpr std::size_t kHeaderSize = 5;  // type + u32 length
// Gather up to two full 'D' records before writing: large writes, bounded memory.
constexpr std::size_t kFlushAt = 2 * (kMaxData + kHeaderSize);

void put_u32(char* at, std::uint32_t v) {
    at[0] = static_cast<char>((v >> 24) & 0xff);
    at[1] = static_cast<char>((v >> 16) & 0xff);
    at[2] = static_cast<char>((v >> 8) & 0xff);
    at[3] = static_cast<char>(v & 0xff);
}

void append_header(std::string& buf, char type, std::size_t length) {
    char h[kHeaderSize] = {type};
    put_u32(h + 1, static_cast<std::uint32_t>(length));
    buf.append(h, kHeaderSize);
}

std::string time_payload(const struct timespec& t) {
    char out[64];
    long micros = t.tv_nsec > 0 ? (t.tv_nsec / 1000) % 1000000 : 0;
    std::snprintf(out, sizeof out, "%lld.%06ld", static_cast<long long>(t.tv_sec < 0 ? 0 : t.tv_sec), micros);
    return out;
}

bool valid_status(char c) { return c == '-' || c == 'D' || c == 'B' || c == 'E'; }

// The reader rejects NUL bytes in these fields: refuse to write a file it
// would call corrupt.
Status check_text(std::string_view what, std::string_view value) {
    if (value.find('\0') != std::string_view::npos)
        return make_error("queue file: NUL byte in " + std::string(what));
    return {};
}

Status check_envelope(const Envelope& env) {
    POSTERN_TRY(check_text("sender", env.sender));
    POSTERN_TRY(check_text("full name", env.full_name));
    if (env.uid > 0xffffffffll) return make_error("queue file: uid out of range");
    for (const auto& [name, value] : env.attrs) {
        if (name.empty() || name.find('=') != std::string::npos)
            return make_error("queue file: bad attribute name \"" + name + "\"");
        POSTERN_TRY(check_text("attribute", name));
        POSTERN_TRY(check_text("attribute", value));
    }
    for (const auto& r : env.recipients) {
        if (r.address.empty()) return make_error("queue file: empty recipient address");
        if (!valid_status(static_cast<char>(r.status))) return make_error("queue file: invalid recipient status");
        POSTERN_TRY(check_text("recipient address", r.address));
        POSTERN_TRY(check_text("recipient orcpt", r.orcpt));
        POSTERN_TRY(check_text("recipient notify", r.notify));
    }
    return {};
}

std::string recipient_payload(const Recipient& r) {
    std::string p;
    p.reserve(r.address.size() + r.orcpt.size() + r.notify.size() + 3);
    p += static_cast<char>(r.status);
    p += r.address;
    p += '\0';
    p += r.orcpt;
    p += '\0';
    p += r.notify;
    return p;
}

}  // namespace

Writer::Writer(int fd, FileOps& ops) : fd_(fd), ops_(ops) { buf_.reserve(kFlushAt + kHeaderSize); }

Status Writer::fail(Error error) {
    failed_ = true;
    return error;
}

Status Writer::flush() {
    open_data_ = std::string::npos;
    if (buf_.empty()) return {};
    auto st = ops_.write_all(fd_, buf_);
    buf_.clear();
    if (!st) return fail(make_error("queue file: " + st.error().message, st.error().sys_errno));
    return {};
}

Status Writer::put_record(char type, std::string_view payload) {
    if (payload.size() > kMaxEnvelopeRecord)
        return fail(make_error(std::string("queue file: '") + type + "' record too long (" +
                               std::to_string(payload.size()) + " bytes)"));
    append_header(buf_, type, payload.size());
    buf_.append(payload);
    if (buf_.size() >= kFlushAt) return flush();
    return {};
}

Status Writer::write_envelope(const Envelope& env) {
    if (failed_) return make_error("queue file: an earlier write failed");
    if (envelope_done_ || finished_) return make_error("queue file: envelope written twice");
    // Validate everything before the first byte is buffered: after that,
    // any error is sticky.
    POSTERN_TRY(check_envelope(env));
    buf_.append(kMagic);
    POSTERN_TRY(put_record('V', std::to_string(kVersion)));
    POSTERN_TRY(put_record('T', time_payload(env.arrival)));
    POSTERN_TRY(put_record('S', env.sender));
    if (!env.full_name.empty()) POSTERN_TRY(put_record('F', env.full_name));
    if (env.uid >= 0) POSTERN_TRY(put_record('U', std::to_string(env.uid)));
    if (env.extract_recipients) POSTERN_TRY(put_record('X', "t"));
    for (const auto& [name, value] : env.attrs) POSTERN_TRY(put_record('A', name + "=" + value));
    for (const auto& r : env.recipients) POSTERN_TRY(put_record('R', recipient_payload(r)));
    POSTERN_TRY(put_record('M', {}));
    envelope_done_ = true;
    return {};
}

// Small pieces grow the open 'D' record in buf_; a full kMaxData piece with
// nothing open goes straight from the caller's memory to write(2).
Status Writer::write_data(std::string_view data) {
    if (failed_) return make_error("queue file: an earlier write failed");
    if (!envelope_done_ || finished_) return make_error("queue file: data outside the content section");
    content_size_ += data.size();
    while (!data.empty()) {
        if (open_data_ != std::string::npos) {
            std::size_t have = buf_.size() - open_data_ - kHeaderSize;
            std::size_t n = std::min(kMaxData - have, data.size());
            buf_.append(data.substr(0, n));
            put_u32(buf_.data() + open_data_ + 1, static_cast<std::uint32_t>(have + n));
            data.remove_prefix(n);
            if (have + n == kMaxData) open_data_ = std::string::npos;
            if (buf_.size() >= kFlushAt) POSTERN_TRY(flush());
        } else if (data.size() >= kMaxData) {
            append_header(buf_, 'D', kMaxData);
            POSTERN_TRY(flush());
            auto st = ops_.write_all(fd_, data.substr(0, kMaxData));
            if (!st) return fail(make_error("queue file: " + st.error().message, st.error().sys_errno));
            data.remove_prefix(kMaxData);
        } else {
            open_data_ = buf_.size();
            append_header(buf_, 'D', 0);
        }
    }
    return {};
}

Status Writer::finish() {
    if (failed_) return make_error("queue file: an earlier write failed");
    if (!envelope_done_ || finished_) return make_error("queue file: finish without envelope");
    open_data_ = std::string::npos;
    append_header(buf_, 'E', 0);
    POSTERN_TRY(flush());
    if (auto st = ops_.fsync(fd_); !st)
        return fail(make_error("queue file: " + st.error().message, st.error().sys_errno));
    finished_ = true;
    return {};
}

Status mark_recipient(int fd, off_t status_offset, RcptStatus status, FileOps& ops, Sync sync) {
    // Only overwrite a byte that is a status byte now: a wrong offset must
    // not damage the file.
    char current = 0;
    ssize_t n = ::pread(fd, &current, 1, status_offset);
    if (n < 0) return errno_error("queue file: pread at offset " + std::to_string(status_offset));
    if (n != 1 || !valid_status(current))
        return make_error("queue file: no recipient status at offset " + std::to_string(status_offset));
    char c = static_cast<char>(status);
    if (!valid_status(c))
        return make_error("queue file: invalid recipient status");
    POSTERN_TRY(ops.pwrite_all(fd, std::string_view(&c, 1), status_offset));
    if (sync == Sync::later) return {};
    return ops.fsync(fd);
}

}  // namespace postern::queue
