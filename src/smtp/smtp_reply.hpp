// SMTP server replies as the client reads them (RFC 5321 section 4.2):
// "CCC-text" continuation lines, then one "CCC text" (or bare "CCC") last
// line. ReplyParser takes one line at a time (no CRLF) and refuses a line
// without a valid code, a code that changes mid-reply, or more lines than
// the caller's limit ($smtp_reply_size_limit): a server that does that is
// broken and the client gives up on it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::smtp {

struct Reply {
    int code = 0;                    // 220, 250, 354, 421, 550 ...
    std::vector<std::string> lines;  // text after "CCC-" / "CCC ", one per line
    char cls() const { return static_cast<char>('0' + code / 100); }
    // The RFC 3463 enhanced status code that starts the first line
    // ("5.1.1"), when its class matches the reply code; "" otherwise.
    std::string enhanced() const;
    // "550 5.1.1 no such user" (lines joined with a space) for logs and bounces.
    std::string text() const;
};

class ReplyParser {
public:
    explicit ReplyParser(std::size_t max_lines) : max_lines_(max_lines) {}
    // Ok(true) when line completed the reply (take it with reply()).
    Result<bool> feed(std::string_view line);
    Reply take();

private:
    std::size_t max_lines_;
    Reply reply_;
};

// True when s is "D.DDD.DDD" with class c (RFC 3463).
bool is_enhanced_code(std::string_view s, char c);

}  // namespace postern::smtp
