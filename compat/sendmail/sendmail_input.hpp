// Reading the message from sendmail's standard input.
//
// Contract: bytes are passed to the sink exactly as read, except that CRLF
// line ends become LF and a final line without a line end gets one. Dots:
//   DotMode::Ignore (-i, -oi)  a "." line is content like any other;
//   DotMode::End (default)     a line holding only "." ends the message
//                              (the rest of the input is not read);
//   DotMode::Smtp (-bs DATA)   "." ends the message and one leading dot is
//                              removed from every other line (RFC 5321
//                              4.5.2); input that ends before "." is a
//                              ReadError ("connection ended in DATA"). Lines longer than the reader's buffer are passed
// through whole, in pieces, so nothing is lost and 8-bit bytes stay as they
// are. At most max_bytes bytes reach the sink; the message that would exceed
// it is refused with TooLarge (the sink has then seen only a prefix).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "lib/base/line_reader.hpp"
#include "lib/base/result.hpp"

namespace postern::sendmail {

struct InputResult {
    enum class Kind { Ok, TooLarge, ReadError, SinkError } kind = Kind::Ok;
    std::uint64_t bytes = 0;  // bytes handed to the sink
    Error error;              // ReadError / SinkError
};

using Sink = std::function<Status(std::string_view)>;

enum class DotMode { Ignore, End, Smtp };

InputResult copy_message(int fd, bool ignore_dots, std::uint64_t max_bytes, const Sink& sink);
// The same over a reader the caller keeps (the -bs dialogue reads its
// commands from it before and after DATA).
InputResult copy_message(LineReader& reader, DotMode dots, std::uint64_t max_bytes, const Sink& sink);

}  // namespace postern::sendmail
