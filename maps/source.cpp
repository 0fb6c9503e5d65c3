// postmap/makemap text sources.
#include "maps/source.hpp"

#include "lib/base/logical_lines.hpp"
#include "lib/base/strings.hpp"

namespace postern::maps {
namespace {

std::string where(const std::string& path, int line) { return path + ":" + std::to_string(line) + ": "; }

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
    LogicalLineOptions lo;
    lo.continuation = opts.continuation;
    lo.comment = opts.comment;
    lo.max_entry = opts.line_limit;
    LogicalLines lines = read_logical_lines(text, path, lo);
    out.errors = std::move(lines.warnings);
    for (const LogicalLine& l : lines.entries) {
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
