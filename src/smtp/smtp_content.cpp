// LF -> CRLF and dot-stuffing (see the header).
#include "smtp_content.hpp"

namespace postern::smtp {

void DataEncoder::encode(std::string_view chunk, std::string& out) {
    out.reserve(out.size() + chunk.size() + chunk.size() / 32 + 2);
    for (char c : chunk) {
        if (pending_cr_) {
            // A CR is sent as is unless it is the CR of a stored CRLF.
            pending_cr_ = false;
            if (c != '\n') out += '\r';
        }
        if (at_line_start_ && c == '.') out += '.';
        at_line_start_ = false;
        if (c == '\r') {
            pending_cr_ = true;
        } else if (c == '\n') {
            out += "\r\n";
            at_line_start_ = true;
        } else {
            out += c;
        }
    }
}

void DataEncoder::finish(std::string& out) {
    if (pending_cr_) out += '\r';
    pending_cr_ = false;
    if (!at_line_start_) out += "\r\n";
    out += ".\r\n";
    at_line_start_ = true;
}

bool has_8bit(std::string_view content) {
    for (unsigned char c : content)
        if (c & 0x80) return true;
    return false;
}

}  // namespace postern::smtp
