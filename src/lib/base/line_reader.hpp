// LineReader: the one bounded line reader, for sockets, pipes and files.
//
// Contract: reads from an fd it does not own (the fd must outlive the
// reader). Never buffers more than max_line bytes of one line plus one read
// buffer. A line is returned without its terminator; terminator() tells
// whether it ended in "\n", "\r\n" or nothing (end of input).
//
// read() returns
//   Line     - a whole line (or the final unterminated bytes at end of input)
//   TooLong  - the first max_line bytes of a longer line; the rest of that
//              line comes back from the following read()s (each TooLong or,
//              for the last piece, Line). The caller chooses: continue (store
//              as continuation, losing nothing), or skip_rest() and reply.
//   Eof      - no more data (nothing returned)
//   Timeout  - no data within the timeout (sockets/pipes; 0 = wait forever)
//   Error    - read(2) failed; error() says why
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "lib/base/result.hpp"

namespace postern {

class LineReader {
public:
    enum class Status { Line, TooLong, Eof, Timeout, Error };
    enum class Terminator { None, Lf, CrLf };

    LineReader(int fd, std::size_t max_line,
               std::chrono::milliseconds timeout = std::chrono::milliseconds{0});

    Status read(std::string& line);
    // Discard the remainder of the current over-long line (after TooLong).
    Status skip_rest();
    Terminator terminator() const { return term_; }
    const Error& error() const { return error_; }
    // Bytes consumed from the fd so far that were handed out or skipped.
    std::size_t bytes_consumed() const { return consumed_; }
    // Bytes already read from the fd but not yet returned (for handing the
    // stream over to another reader, e.g. after DATA).
    std::string_view buffered() const;

private:
    bool fill();
    int fd_;
    std::size_t max_line_;
    std::chrono::milliseconds timeout_;
    std::string buf_;
    std::size_t pos_ = 0;
    bool eof_ = false;
    bool timed_out_ = false;
    Terminator term_ = Terminator::None;
    Error error_;
    std::size_t consumed_ = 0;
};

}  // namespace postern
