// Message content decoders: wire bytes in, queue content out ("\n" line
// ends). Pure state machines, fed whatever the socket delivered, so a line
// end or the end-of-data mark split across reads is handled the same.
//
// DataDecoder (DATA): CRLF -> LF, dot-unstuffing, and the one end-of-data
// mark RFC 5321 defines: CRLF "." CRLF (or "." CRLF right after DATA).
// SMTP smuggling relies on receivers that also take "\n.\n", "\n.\r\n",
// "\r\n.\n" or "\r.\r" for it: here none of them ends the message. A bare
// LF ends a content line (normalize) and is recorded, so the "reject"
// policy can refuse the message; a bare CR is kept as a data byte and
// recorded; NUL bytes are recorded (the message is refused).
//
// BdatDecoder (BDAT): the chunk is opaque: CRLF -> LF only (a CR at the end
// of one chunk is matched against the next), no dot handling.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace postern::smtpd {

struct ContentFlags {
    bool bare_lf = false;
    bool bare_cr = false;
    bool nul = false;
};

class DataDecoder {
public:
    // Append decoded content to out; returns how many input bytes were
    // consumed. Stops right after the end-of-data mark (done()), leaving
    // what follows (pipelined commands) unconsumed.
    std::size_t feed(std::string_view in, std::string& out);
    bool done() const { return done_; }
    const ContentFlags& flags() const { return flags_; }

private:
    void byte(char c, std::string& out);
    void end_line(bool crlf, std::string& out);

    bool line_start_ = true;
    bool crlf_before_ = true;   // the previous line ended with CRLF (or DATA did)
    bool pending_cr_ = false;
    bool lone_dot_ = false;     // the line so far is exactly "."
    bool done_ = false;
    ContentFlags flags_;
};

class BdatDecoder {
public:
    void feed(std::string_view in, std::string& out);
    void finish(std::string& out);  // after the LAST chunk: a trailing CR is data
    const ContentFlags& flags() const { return flags_; }

private:
    bool pending_cr_ = false;
    ContentFlags flags_;
};

}  // namespace postern::smtpd
