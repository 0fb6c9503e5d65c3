// DATA and BDAT decoding (see the header for the rules).
#include "smtpd_content.hpp"

namespace postern::smtpd {

std::size_t DataDecoder::feed(std::string_view in, std::string& out) {
    std::size_t i = 0;
    while (i < in.size() && !done_) byte(in[i++], out);
    return i;
}

void DataDecoder::end_line(bool crlf, std::string& out) {
    if (lone_dot_) {
        if (crlf && crlf_before_) {
            done_ = true;
            return;
        }
        out += '.';  // a lone dot that is not the mark stays content
    }
    if (!crlf) flags_.bare_lf = true;
    out += '\n';
    line_start_ = true;
    lone_dot_ = false;
    crlf_before_ = crlf;
}

void DataDecoder::byte(char c, std::string& out) {
    if (pending_cr_) {
        pending_cr_ = false;
        if (c == '\n') return end_line(true, out);
        flags_.bare_cr = true;  // CR not followed by LF: a data byte, never a line end
        if (lone_dot_) out += '.';
        lone_dot_ = false;
        out += '\r';
        line_start_ = false;
    }
    if (c == '\r') {
        pending_cr_ = true;
        return;
    }
    if (c == '\n') return end_line(false, out);
    if (c == '\0') flags_.nul = true;
    if (line_start_) {
        line_start_ = false;
        if (c == '.') {  // unstuffed: dropped unless the line turns out to be a lone "."
            lone_dot_ = true;
            return;
        }
    }
    lone_dot_ = false;
    out += c;
}

void BdatDecoder::feed(std::string_view in, std::string& out) {
    for (char c : in) {
        if (pending_cr_) {
            pending_cr_ = false;
            if (c == '\n') {
                out += '\n';
                continue;
            }
            flags_.bare_cr = true;
            out += '\r';
        }
        if (c == '\r') {
            pending_cr_ = true;
            continue;
        }
        if (c == '\n') flags_.bare_lf = true;
        if (c == '\0') flags_.nul = true;
        out += c;
    }
}

void BdatDecoder::finish(std::string& out) {
    if (pending_cr_) {
        flags_.bare_cr = true;
        out += '\r';
    }
    pending_cr_ = false;
}

}  // namespace postern::smtpd
