// Bounded input buffering.
#include "smtpd_input.hpp"

#include <cstring>

namespace postern::smtpd {

namespace {
constexpr std::size_t kSlack = 4096;  // room beyond one line, so content reads are not tiny
}

InputBuffer::InputBuffer(std::size_t max_line) : buf_(max_line + 2 + kSlack, '\0'), max_line_(max_line) {}

InputBuffer::Line InputBuffer::next_line() {
    const char* base = buf_.data() + start_;
    const void* lf = std::memchr(base, '\n', end_ - start_);
    if (!lf) {
        if (end_ - start_ > max_line_ + 1) {  // no line end within the limit (+1: a CR)
            skipping_ = true;
            start_ = end_ = 0;
        }
        return {};
    }
    std::size_t len = static_cast<std::size_t>(static_cast<const char*>(lf) - base);
    start_ += len + 1;
    if (skipping_) {
        skipping_ = false;
        return {Kind::TooLong, {}, false};
    }
    bool crlf = len > 0 && base[len - 1] == '\r';
    std::string_view text(base, crlf ? len - 1 : len);
    if (text.size() > max_line_) return {Kind::TooLong, {}, false};
    return {Kind::Line, text, crlf};
}

std::string_view InputBuffer::take(std::size_t n) {
    std::size_t k = std::min(n, end_ - start_);
    std::string_view out(buf_.data() + start_, k);
    start_ += k;
    return out;
}

void InputBuffer::consume(std::size_t n) { start_ += std::min(n, end_ - start_); }

std::span<char> InputBuffer::space() {
    if (start_ == end_) start_ = end_ = 0;
    if (start_ > 0 && end_ == buf_.size()) {
        std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
    }
    return {buf_.data() + end_, buf_.size() - end_};
}

void InputBuffer::commit(std::size_t n) { end_ += n; }

}  // namespace postern::smtpd
