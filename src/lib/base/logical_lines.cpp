// Logical lines (see the header).
#include "lib/base/logical_lines.hpp"

#include "lib/base/strings.hpp"

namespace postern {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }

// Append piece to the entry, or mark it too long (keeping what fits out).
void append(LogicalLine& cur, std::string_view piece, bool joined, std::size_t max_entry) {
    if (cur.too_long) return;
    std::size_t add = piece.size() + (joined ? 1 : 0);
    if (cur.text.size() + add > max_entry) {
        cur.too_long = true;
        return;
    }
    if (joined) cur.text += ' ';
    cur.text.append(piece);
}

}  // namespace

LogicalLines read_logical_lines(std::string_view text, const std::string& path, const LogicalLineOptions& opts) {
    LogicalLines out;
    int number = 0;
    bool open_backslash = false;  // the previous line ended in '\'
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::string_view body = trim(line);
        bool after_backslash = open_backslash;
        bool continues = after_backslash || (opts.continuation && !line.empty() && is_space(line.front()));
        open_backslash = false;
        if (body.empty()) continue;
        // A comment line ends nothing: the entry may continue after it.
        if (opts.comment != '\0' && body.front() == opts.comment && !after_backslash) continue;
        if (opts.backslash && body.back() == '\\') {
            body.remove_suffix(1);
            body = trim(body);
            open_backslash = true;
        }
        if (continues && out.entries.empty()) {
            out.warnings.push_back(path + ":" + std::to_string(number) + ": continuation line without an entry");
            continue;
        }
        if (!continues) out.entries.push_back(LogicalLine{number, {}, false});
        append(out.entries.back(), body, continues && !body.empty(), opts.max_entry);
    }
    return out;
}

}  // namespace postern
