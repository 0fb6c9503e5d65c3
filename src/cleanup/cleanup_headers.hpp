// cleanup's view of the message header: reading the header block from the
// content stream (HeaderReader) and the rules that change it (pure
// functions, no I/O, so the tests can drive them with a table).
//
// Bounds: the header block is held in memory up to header_size_limit bytes.
// Past that, the header ends and every remaining byte is body, unchanged
// (nothing is dropped; a long header line is kept whole as long as it
// fits). Header lines keep their bytes exactly; only headers cleanup adds
// are new text, and every value put into them is made single-line first.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace postern::cleanup {

struct Header {
    std::string name;  // as written ("Resent-To")
    std::string raw;   // the whole header with its folds: "To: a@b,\n\tc@d\n"
    // The text after the colon, folds included, final "\n" removed.
    std::string_view value() const;
};
using Headers = std::vector<Header>;

// Splits the start of the content into headers. Feed content in chunks of
// any size; once done(), everything else is body.
class HeaderReader {
public:
    explicit HeaderReader(std::size_t size_limit) : limit_(size_limit) {}

    // Returns the part of data that is body (empty while headers continue).
    std::string_view feed(std::string_view data);
    // End of content. An unterminated last header line gets its "\n".
    void finish();

    bool done() const { return done_; }
    Headers& headers() { return headers_; }
    // Body bytes held back while deciding: the first line that was not a
    // header, or the partial line that overflowed the limit.
    const std::string& held_body() const { return held_; }
    // What goes between the headers and the body: the blank line that ended
    // the header (consumed here), or an inserted one when the body started
    // without it; nothing when the message has no body.
    std::string_view separator() const;

private:
    enum class End { None, Blank, BodyLine, Overflow, Eof };
    void take_line(std::string_view line);
    void flush_pending();
    void end(End why);

    std::size_t limit_;
    std::size_t used_ = 0;  // bytes of header lines taken so far
    std::string line_;      // the current, incomplete line
    std::string held_;
    Headers headers_;
    Header pending_;        // the last header; continuation lines may follow
    bool has_pending_ = false;
    bool done_ = false;
    End end_ = End::None;
};

// "Name" when line starts a header ("Name:" or the obsolete "Name :").
std::string_view header_name(std::string_view line);

// What the rules need to know about the message.
struct MessageInfo {
    std::string origin;       // "pickup" or "smtpd"
    std::string queue_id;
    std::string myhostname;
    std::string sender;       // envelope sender, qualified; "" = null sender
    std::string full_name;
    long long uid = -1;
    std::string helo, client_name, client_addr;
    std::vector<std::string> recipients;  // final envelope recipients
    std::time_t now = 0;
};

bool is_resent_header(std::string_view name);
const Header* find_header(const Headers& headers, std::string_view name);
std::size_t count_received(const Headers& headers);

// The changes cleanup makes, in Postfix's order: Received: on top; for
// local submissions Date:, Message-ID: and From: appended when missing;
// Bcc: and Resent-Bcc: removed (after -t extraction read them).
void apply_header_rules(Headers& headers, const MessageInfo& info);

Header make_received(const MessageInfo& info);
// RFC 5322 date-time in local time with numeric zone, English names.
std::string rfc5322_date(std::time_t t);
// The Message-ID value, white space trimmed ("" when absent), for the log.
std::string message_id_of(const Headers& headers);

}  // namespace postern::cleanup
