// Buffered delivery writes.
#include "local_writer.hpp"

namespace postern::local {
namespace {
constexpr std::size_t kFlushAt = 65536;
}

Status MailWriter::put(std::string_view data) {
    if (data.empty()) return {};
    buf_.append(data);
    last_ = data.back();
    return buf_.size() >= kFlushAt ? flush() : Status{};
}

Status MailWriter::flush() {
    if (buf_.empty()) return {};
    Status st = ops_.write_all(fd_, buf_);
    buf_.clear();
    if (!st) write_failed_ = true;
    return st;
}

Status MailWriter::copy_content(const Message& msg, const Filter& filter) {
    std::string filtered;
    return stream_content(msg, [&](std::string_view chunk) -> Status {
        if (!filter) return put(chunk);
        filtered.clear();
        filter(chunk, filtered);
        return put(filtered);
    });
}

}  // namespace postern::local
