// The message content on the wire: queue files store "\n" line ends; SMTP
// wants CRLF and a leading "." doubled (RFC 5321 4.5.2). DataEncoder is fed
// the content in arbitrary chunks (a line may span chunks) and remembers
// whether the next byte starts a line. finish() ends an unterminated last
// line and appends the ".\r\n" terminator.
#pragma once

#include <string>
#include <string_view>

namespace postern::smtp {

class DataEncoder {
public:
    // Appends the encoded form of chunk to out.
    void encode(std::string_view chunk, std::string& out);
    void finish(std::string& out);

private:
    bool at_line_start_ = true;
    bool pending_cr_ = false;  // a CR seen at the end of the previous chunk
};

// True when content has a byte with the high bit set (BODY=8BITMIME).
bool has_8bit(std::string_view content);

}  // namespace postern::smtp
