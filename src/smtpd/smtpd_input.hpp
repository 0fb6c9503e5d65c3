// The session's input buffer: a fixed-capacity buffer the socket reads
// into, from which the session takes command lines (bounded by
// $line_length_limit) or raw content bytes (DATA, BDAT). Nothing the client
// sends can grow it: an overlong command line is dropped as it arrives and
// reported once, when its line end finally comes (so the 500 reply keeps
// step with the client's commands).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace postern::smtpd {

class InputBuffer {
public:
    // max_line: longest command line, line end excluded.
    explicit InputBuffer(std::size_t max_line);

    enum class Kind { None, Line, TooLong };
    struct Line {
        Kind kind = Kind::None;
        std::string_view text;  // without the line end; valid until the next call
        bool crlf = false;      // ended by CRLF (false: bare LF)
    };
    // The next complete line, if any. While an overlong line is being
    // dropped, returns None until its LF arrives, then TooLong.
    Line next_line();

    // Raw bytes for content: at most n of what is buffered (consumed).
    std::string_view take(std::size_t n);
    void consume(std::size_t n);        // after peek()
    std::string_view peek() const { return {buf_.data() + start_, end_ - start_}; }

    std::span<char> space();            // where the next read goes (compacts first)
    void commit(std::size_t n);         // n bytes were read into space()
    std::size_t buffered() const { return end_ - start_; }
    void clear() { start_ = end_ = 0; skipping_ = false; }

private:
    std::string buf_;
    std::size_t start_ = 0;
    std::size_t end_ = 0;
    std::size_t max_line_;
    bool skipping_ = false;
};

}  // namespace postern::smtpd
