// postmap/makemap text sources.
#include "maps/source.hpp"

#include "lib/base/strings.hpp"

namespace postern::maps {
namespace {

struct Logical {
    int line = 0;
    std::string text;
    bool too_long = false;
};

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::vector<Logical> logical_lines(std::string_view text, const std::string& path, const SourceOptions& opts,
                                   std::vector<std::string>& errors) {
    std::vector<Logical> out;
    int number = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        std::string_view body = trim(line);
        if (body.empty() || body.front() == opts.comment) continue;
        bool continuation = opts.continuation && is_space(line.front());
        if (continuation && out.empty()) {
            errors.push_back(where(path, number) + "continuation line without an entry");
            continue;
        }
        if (!continuation) out.push_back(Logical{number, {}, false});
        Logical& cur = out.back();
        std::string_view piece = continuation ? body : line;
        if (cur.text.size() + piece.size() + 1 > opts.line_limit) cur.too_long = true;
        if (cur.too_long) continue;
        if (continuation) cur.text += ' ';
        cur.text.append(piece);
    }
    return out;
}

// Split one logical line into key and value; false when malformed.
bool split_entry(std::string_view s, const SourceOptions& opts, std::string& key, std::string& value) {
    std::size_t end;
    if (opts.alias_syntax) {
        end = s.find(':');
        if (end == std::string_view::npos) return false;
    } else if (opts.delimiter != '\0') {
        end = s.find(opts.delimiter);
    } else {
        end = s.find_first_of(" \t");
    }
    key = std::string(trim(s.substr(0, end)));
    std::string_view rest = end == std::string_view::npos ? std::string_view{} : s.substr(end + 1);
    value = std::string(trim(rest));
    if (opts.fold_keys) key = lowercase(key);
    return !key.empty() && (!value.empty() || opts.allow_empty_value);
}

}  // namespace

SourceParse parse_source(std::string_view text, const std::string& path, const SourceOptions& opts) {
    SourceParse out;
    for (const Logical& l : logical_lines(text, path, opts, out.errors)) {
        if (l.too_long) {
            out.errors.push_back(where(path, l.line) + "entry longer than " + std::to_string(opts.line_limit) +
                                 " bytes");
            continue;
        }
        SourceEntry e{l.line, {}, {}};
        if (!split_entry(l.text, opts, e.key, e.value)) {
            out.errors.push_back(where(path, l.line) + "expected format: key whitespace value");
            continue;
        }
        out.entries.push_back(std::move(e));
    }
    return out;
}

}  // namespace postern::maps
