// HeaderReader: finds where the header block ends in a content stream that
// arrives in chunks, holding at most header_size_limit bytes.
#include "cleanup_headers.hpp"

namespace postern::cleanup {

std::string_view Header::value() const {
    std::string_view v = raw;
    v.remove_prefix(std::min(v.size(), v.find(':') + 1));
    if (!v.empty() && v.back() == '\n') v.remove_suffix(1);
    return v;
}

std::string_view header_name(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && line[i] > 32 && line[i] < 127 && line[i] != ':') ++i;
    std::size_t name_end = i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (name_end == 0 || i == line.size() || line[i] != ':') return {};
    return line.substr(0, name_end);
}

std::string_view HeaderReader::feed(std::string_view data) {
    std::size_t i = 0;
    while (!done_ && i < data.size()) {
        std::size_t nl = data.find('\n', i);
        std::size_t stop = nl == std::string_view::npos ? data.size() : nl + 1;
        bool blank = line_.empty() && data[i] == '\n';  // the end of the header, not part of it
        if (!blank && used_ + line_.size() + (stop - i) > limit_) {
            // The header may not grow past the limit: what is not yet a
            // header line (line_ and the rest) becomes body, unchanged.
            held_ = std::move(line_);
            line_.clear();
            end(End::Overflow);
            break;
        }
        line_.append(data.substr(i, stop - i));
        i = stop;
        if (nl != std::string_view::npos) {
            std::string line = std::move(line_);
            line_.clear();
            take_line(line);
        }
    }
    return done_ ? data.substr(i) : std::string_view{};
}

void HeaderReader::finish() {
    if (done_) return;
    if (!line_.empty()) {
        bool continuation = has_pending_ && (line_[0] == ' ' || line_[0] == '\t');
        if (continuation || !header_name(line_).empty()) take_line(line_ + "\n");
        else take_line(line_);  // not a header: body, kept without an added "\n"
        line_.clear();
    }
    end(End::Eof);
}

void HeaderReader::take_line(std::string_view line) {
    if (line == "\n") return end(End::Blank);
    if (has_pending_ && (line[0] == ' ' || line[0] == '\t')) {
        pending_.raw += line;
        used_ += line.size();
        return;
    }
    std::string_view name = header_name(line);
    if (name.empty() || line.back() != '\n') {
        held_ = std::string(line);
        return end(End::BodyLine);
    }
    flush_pending();
    pending_ = Header{std::string(name), std::string(line)};
    has_pending_ = true;
    used_ += line.size();
}

void HeaderReader::flush_pending() {
    if (!has_pending_) return;
    headers_.push_back(std::move(pending_));
    pending_ = Header{};
    has_pending_ = false;
}

void HeaderReader::end(End why) {
    if (done_) return;
    flush_pending();
    done_ = true;
    end_ = why;
}

std::string_view HeaderReader::separator() const {
    if (end_ == End::Eof && held_.empty()) return {};
    return "\n";
}

}  // namespace postern::cleanup
