// Holding back the start of a message until its header block is complete,
// so that sendmail can decide on the header before anything is queued:
// -t needs at least one recipient ("No recipient addresses found in
// header"), and an untrusted -f needs an X-Authentication-Warning: line
// in front of the first header.
//
// The header block ends at the first empty line, at the first line that is
// neither "Name: value" nor a continuation (a leading mbox "From " line is
// allowed), at end of input, or when limit bytes are held; in the last case
// the fields seen so far are what is decided on. Then prefix, the held
// bytes and every later byte go to next unchanged. Memory: at most limit
// bytes plus one chunk.
#pragma once

#include <functional>
#include <string>

#include "lib/address/address_extract.hpp"
#include "sendmail_input.hpp"

namespace postern::sendmail {

class HeaderGate {
public:
    // decide sees the fields (unfolded values) once; an error from it stops
    // the message and is returned from feed()/finish().
    using Decide = std::function<Status(const address::HeaderFields&)>;
    HeaderGate(std::size_t limit, std::string prefix, Decide decide, Sink next);

    Status feed(std::string_view data);
    Status finish();  // end of content: decide now if not yet done

private:
    bool header_complete() const;
    Status release();

    std::size_t limit_;
    std::string prefix_;
    Decide decide_;
    Sink next_;
    std::string held_;
    bool released_ = false;
};

// The header fields of the complete lines at the start of text (pure, for
// tests): names as written, values unfolded (continuation line breaks
// removed, leading white space of the value trimmed).
address::HeaderFields parse_header_fields(std::string_view text);

}  // namespace postern::sendmail
