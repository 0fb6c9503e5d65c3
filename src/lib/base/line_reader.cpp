// LineReader: bounded line splitting. The buffer holds at most max_line + 1
// bytes of the current line (the extra byte tells "\r" + later "\n" from a
// longer line) plus one read chunk, whatever the peer sends.
#include "lib/base/line_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace postern {
namespace {

constexpr std::size_t kChunk = 4096;

}  // namespace

LineReader::LineReader(int fd, std::size_t max_line, std::chrono::milliseconds timeout)
    : fd_(fd), max_line_(max_line == 0 ? 1 : max_line), timeout_(timeout) {}

std::string_view LineReader::buffered() const { return std::string_view(buf_).substr(pos_); }

// Read one chunk. false: nothing added (eof_, timed_out_ or error_ says why).
bool LineReader::fill() {
    if (pos_ > 0) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
    if (timeout_.count() > 0) {
        struct pollfd p {fd_, POLLIN, 0};
        int r;
        do r = ::poll(&p, 1, static_cast<int>(timeout_.count()));
        while (r < 0 && errno == EINTR);
        if (r < 0) {
            error_ = errno_error("poll");
            return false;
        }
        if (r == 0) {
            timed_out_ = true;
            return false;
        }
    }
    std::size_t old = buf_.size();
    buf_.resize(old + kChunk);
    ssize_t n;
    do n = ::read(fd_, buf_.data() + old, kChunk);
    while (n < 0 && errno == EINTR);
    buf_.resize(old + (n > 0 ? static_cast<std::size_t>(n) : 0));
    if (n < 0) {
        error_ = errno_error("read");
        return false;
    }
    if (n == 0) {
        eof_ = true;
        return false;
    }
    return true;
}

LineReader::Status LineReader::read(std::string& line) {
    line.clear();
    timed_out_ = false;
    for (;;) {
        std::string_view avail = buffered();
        auto nl = avail.substr(0, max_line_ + 2).find('\n');
        if (nl != std::string_view::npos) {
            bool crlf = nl > 0 && avail[nl - 1] == '\r';
            std::size_t len = crlf ? nl - 1 : nl;
            if (len <= max_line_) {
                line.assign(avail.substr(0, len));
                term_ = crlf ? Terminator::CrLf : Terminator::Lf;
                pos_ += nl + 1;
                consumed_ += nl + 1;
                return Status::Line;
            }
        }
        // Over-long for sure once max_line + 2 bytes hold no line end, or
        // max_line + 1 bytes whose last is not a "\r" that a "\n" may follow.
        bool too_long = avail.size() >= max_line_ + 2 ||
                        (avail.size() == max_line_ + 1 && (avail[max_line_] != '\r' || eof_));
        if (too_long) {
            line.assign(avail.substr(0, max_line_));
            term_ = Terminator::None;
            pos_ += max_line_;
            consumed_ += max_line_;
            return Status::TooLong;
        }
        if (eof_) {
            if (avail.empty()) return Status::Eof;
            line.assign(avail);
            term_ = Terminator::None;
            pos_ += avail.size();
            consumed_ += avail.size();
            return Status::Line;
        }
        if (!fill()) {
            if (timed_out_) return Status::Timeout;
            if (!eof_) return Status::Error;
        }
    }
}

LineReader::Status LineReader::skip_rest() {
    timed_out_ = false;
    bool skipped_any = false;
    for (;;) {
        std::string_view avail = buffered();
        auto nl = avail.find('\n');
        if (nl != std::string_view::npos) {
            term_ = (nl > 0 && avail[nl - 1] == '\r') ? Terminator::CrLf : Terminator::Lf;
            pos_ += nl + 1;
            consumed_ += nl + 1;
            return Status::Line;
        }
        // Keep a trailing "\r" so a following "\n" still reads as CRLF.
        std::size_t drop = (!avail.empty() && avail.back() == '\r' && !eof_) ? avail.size() - 1 : avail.size();
        pos_ += drop;
        consumed_ += drop;
        skipped_any = skipped_any || drop > 0;
        if (eof_) {
            term_ = Terminator::None;
            return skipped_any ? Status::Line : Status::Eof;
        }
        if (!fill()) {
            if (timed_out_) return Status::Timeout;
            if (!eof_) return Status::Error;
        }
    }
}

}  // namespace postern
