// Reply parsing (see the header).
#include "smtp_reply.hpp"

#include <cctype>
#include <utility>

namespace postern::smtp {

bool is_enhanced_code(std::string_view s, char c) {
    if (s.size() < 5 || s[0] != c || s[1] != '.') return false;
    int dots = 0, run = 0;
    for (std::size_t i = 2; i < s.size(); ++i) {
        if (s[i] == '.') {
            if (run == 0 || ++dots > 1) return false;
            run = 0;
        } else if (std::isdigit(static_cast<unsigned char>(s[i])) && ++run <= 3) {
            continue;
        } else {
            return false;
        }
    }
    return dots == 1 && run > 0;
}

std::string Reply::enhanced() const {
    if (lines.empty()) return {};
    std::string_view first = lines.front();
    std::string_view word = first.substr(0, first.find(' '));
    return is_enhanced_code(word, cls()) ? std::string(word) : std::string();
}

std::string Reply::text() const {
    std::string out = std::to_string(code);
    for (const auto& l : lines) {
        if (l.empty()) continue;
        out += ' ';
        out += l;
    }
    return out;
}

Result<bool> ReplyParser::feed(std::string_view line) {
    auto digit = [&](std::size_t i) { return line.size() > i && line[i] >= '0' && line[i] <= '9'; };
    if (!digit(0) || !digit(1) || !digit(2) || line[0] < '2' || line[0] > '5')
        return make_error("malformed reply line");
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') return make_error("malformed reply line");
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (!reply_.lines.empty() && code != reply_.code) return make_error("reply code changes within a reply");
    if (reply_.lines.size() >= max_lines_) return make_error("reply has too many lines");
    reply_.code = code;
    reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});
    return !(line.size() > 3 && line[3] == '-');
}

Reply ReplyParser::take() { return std::exchange(reply_, Reply{}); }

}  // namespace postern::smtp
