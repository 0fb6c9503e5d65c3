// aliases(5) grammar (see the header).
#include "lib/resolve/resolve_alias_grammar.hpp"

#include <boost/spirit/home/x3.hpp>

#include "lib/base/strings.hpp"

namespace postern::resolve {
namespace {

namespace x3 = boost::spirit::x3;

// raw[] keeps the bytes as written; quotes are removed afterwards only
// where a whole target is one quoted string.
const auto quoted = '"' >> *(('\\' >> x3::char_) | (x3::char_ - '"')) >> '"';
const auto name_rule = x3::raw[*(quoted | +(x3::char_ - ':' - '"'))];
const auto target_rule = x3::raw[*(quoted | +(x3::char_ - ',' - '"'))];
const auto targets_rule = target_rule % ',';

std::string unquote_whole(std::string_view s) {
    s = trim(s);
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
        std::string_view inner = s.substr(1, s.size() - 2);
        // Only when the quotes enclose everything ("a" "b" is not one string).
        bool whole = true;
        for (std::size_t i = 0; i < inner.size(); ++i) {
            if (inner[i] == '\\') ++i;
            else if (inner[i] == '"') whole = false;
        }
        if (whole) return std::string(inner);
    }
    return std::string(s);
}

}  // namespace

Result<std::vector<std::string>> parse_alias_targets(std::string_view text) {
    std::vector<std::string> raw;
    auto first = text.begin();
    bool ok = x3::parse(first, text.end(), targets_rule, raw);
    if (!ok || first != text.end()) return make_error("unterminated quote");
    std::vector<std::string> out;
    for (const auto& t : raw)
        if (std::string v = unquote_whole(t); !v.empty()) out.push_back(std::move(v));
    if (out.empty()) return make_error("no targets");
    return out;
}

Result<AliasLine> parse_alias_line(std::string_view text) {
    std::string name;
    auto first = text.begin();
    bool ok = x3::parse(first, text.end(), name_rule, name);
    // The name stops at ':' or at a quote that never closes.
    if (!ok || first == text.end()) return make_error("missing ':' in alias entry");
    if (*first != ':') return make_error("unterminated quote");
    AliasLine line;
    line.name = unquote_whole(name);
    if (line.name.empty()) return make_error("empty alias name");
    auto targets = parse_alias_targets(text.substr(static_cast<std::size_t>(first - text.begin()) + 1));
    if (!targets) return targets.error();
    line.targets = std::move(*targets);
    return line;
}

}  // namespace postern::resolve
