// Message input: one bounded LineReader over stdin; output is gathered in a
// buffer so the sink (the queue-file writer) sees large chunks.
#include "sendmail_input.hpp"

#include <string>

#include "lib/base/line_reader.hpp"

namespace postern::sendmail {
namespace {

// The reader's piece size only sets how a long line is cut for copying: the
// pieces are joined again, so this is not a limit on the mail.
constexpr std::size_t kPiece = 65536;
constexpr std::size_t kFlushAt = 65536;

class Output {
public:
    Output(std::uint64_t max_bytes, const Sink& sink) : max_(max_bytes), sink_(sink) {}

    // false: the message is now too large.
    bool append(std::string_view bytes) {
        if (bytes.size() > max_ - total_) return false;
        total_ += bytes.size();
        buf_.append(bytes);
        return true;
    }
    Status flush_if_full() { return buf_.size() >= kFlushAt ? flush() : Status{}; }
    Status flush() {
        if (buf_.empty()) return {};
        Status st = sink_(buf_);
        buf_.clear();
        return st;
    }
    std::uint64_t total() const { return total_; }

private:
    std::uint64_t max_;
    const Sink& sink_;
    std::string buf_;
    std::uint64_t total_ = 0;
};

InputResult failure(InputResult::Kind kind, const Output& out, Error error = {}) {
    return InputResult{kind, out.total(), std::move(error)};
}

}  // namespace

InputResult copy_message(int fd, bool ignore_dots, std::uint64_t max_bytes, const Sink& sink) {
    LineReader reader(fd, kPiece);
    return copy_message(reader, ignore_dots ? DotMode::Ignore : DotMode::End, max_bytes, sink);
}

InputResult copy_message(LineReader& reader, DotMode dots, std::uint64_t max_bytes, const Sink& sink) {
    Output out(max_bytes, sink);
    std::string line;
    bool at_line_start = true;  // false while copying the pieces of a long line
    for (;;) {
        auto status = reader.read(line);
        if (status == LineReader::Status::Eof && dots == DotMode::Smtp)
            return failure(InputResult::Kind::ReadError, out, make_error("connection ended in DATA"));
        if (status == LineReader::Status::Eof) break;
        if (status == LineReader::Status::Error || status == LineReader::Status::Timeout)
            return failure(InputResult::Kind::ReadError, out, make_error("read standard input: " + reader.error().message,
                                                                          reader.error().sys_errno));
        bool whole = status == LineReader::Status::Line;
        if (whole && at_line_start && dots != DotMode::Ignore && line == ".") break;
        std::string_view text = line;
        if (at_line_start && dots == DotMode::Smtp && !text.empty() && text[0] == '.') text.remove_prefix(1);
        if (!out.append(text) || (whole && !out.append("\n"))) return failure(InputResult::Kind::TooLarge, out);
        if (auto st = out.flush_if_full(); !st) return failure(InputResult::Kind::SinkError, out, st.error());
        at_line_start = whole;
    }
    if (auto st = out.flush(); !st) return failure(InputResult::Kind::SinkError, out, st.error());
    return InputResult{InputResult::Kind::Ok, out.total(), {}};
}

}  // namespace postern::sendmail
