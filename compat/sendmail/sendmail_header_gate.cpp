// See the header. The scan over held_ is repeated per chunk, but chunks are
// 64 KiB and the limit is header_size_limit, so it stays small.
#include "sendmail_header_gate.hpp"

#include "lib/base/strings.hpp"

namespace postern::sendmail {
namespace {

enum class LineKind { Field, Continuation, FromLine, End };

bool is_field_name_char(unsigned char c) { return c > 0x20 && c < 0x7f && c != ':'; }

LineKind classify(std::string_view line, bool first) {
    if (line.empty()) return LineKind::End;
    if (line[0] == ' ' || line[0] == '\t') return first ? LineKind::End : LineKind::Continuation;
    if (first && line.rfind("From ", 0) == 0) return LineKind::FromLine;
    std::size_t k = 0;
    while (k < line.size() && is_field_name_char(static_cast<unsigned char>(line[k]))) ++k;
    return k > 0 && k < line.size() && line[k] == ':' ? LineKind::Field : LineKind::End;
}

// Calls f(line, kind) for each complete header line; returns false when the
// header block ended inside text.
template <typename F>
bool for_header_lines(std::string_view text, F f) {
    bool first = true;
    for (std::size_t pos = 0;;) {
        auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) return true;
        std::string_view line = text.substr(pos, nl - pos);
        LineKind kind = classify(line, first);
        if (kind == LineKind::End) return false;
        f(line, kind);
        first = false;
        pos = nl + 1;
    }
}

}  // namespace

address::HeaderFields parse_header_fields(std::string_view text) {
    address::HeaderFields fields;
    for_header_lines(text, [&](std::string_view line, LineKind kind) {
        if (kind == LineKind::Field) {
            auto colon = line.find(':');
            fields.emplace_back(std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))));
        } else if (kind == LineKind::Continuation && !fields.empty()) {
            fields.back().second += " ";
            fields.back().second += trim(line);
        }
    });
    return fields;
}

HeaderGate::HeaderGate(std::size_t limit, std::string prefix, Decide decide, Sink next)
    : limit_(limit), prefix_(std::move(prefix)), decide_(std::move(decide)), next_(std::move(next)) {}

bool HeaderGate::header_complete() const {
    return held_.size() >= limit_ || !for_header_lines(held_, [](std::string_view, LineKind) {});
}

Status HeaderGate::release() {
    released_ = true;
    POSTERN_TRY(decide_(parse_header_fields(held_)));
    if (!prefix_.empty()) POSTERN_TRY(next_(prefix_));
    if (!held_.empty()) POSTERN_TRY(next_(held_));
    held_.clear();
    held_.shrink_to_fit();
    return {};
}

Status HeaderGate::feed(std::string_view data) {
    if (released_) return next_(data);
    held_.append(data);
    return header_complete() ? release() : Status{};
}

Status HeaderGate::finish() { return released_ ? Status{} : release(); }

}  // namespace postern::sendmail
