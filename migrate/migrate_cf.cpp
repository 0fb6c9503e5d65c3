#include "migrate_cf.hpp"

#include <functional>

#include "lib/base/strings.hpp"

namespace postern::migrate {
namespace {

struct LogicalLine {
    std::size_t line;
    std::string text;
};

// Join continuation lines; drop comments and blank lines. "#" comments are
// kept when they are m4 $Id markers (the caller wants those).
std::vector<LogicalLine> logical_lines(std::string_view text) {
    std::vector<LogicalLine> out;
    std::size_t number = 0;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view raw = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++number;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (raw.empty()) continue;
        if ((raw[0] == ' ' || raw[0] == '\t') && !out.empty() && out.back().text[0] != '#') {
            if (trim(raw).empty()) continue;
            out.back().text += "\n";
            out.back().text += raw;
            continue;
        }
        if (raw[0] == ' ' || raw[0] == '\t') continue;
        out.push_back({number, std::string(raw)});
    }
    return out;
}

// "#####  $Id: virtusertable.m4,v 8.24 ..." -> "virtusertable"
void note_marker(CfFile& cf, const LogicalLine& l) {
    auto pos = l.text.find("$Id: ");
    if (l.text.rfind("#####", 0) != 0 || pos == std::string::npos) return;
    auto name = l.text.substr(pos + 5);
    auto end = name.find(".m4,");
    if (end == std::string::npos) return;
    name.resize(end);
    cf.m4_pieces.push_back(name);
    if (name == "proto" && cf.m4_marker_line == 0) cf.m4_marker_line = l.line;
}

void read_option(CfFile& cf, std::size_t line, std::string_view rest) {
    if (!rest.empty() && rest[0] == ' ') {
        rest = trim(rest);
        auto eq = rest.find('=');
        std::string_view name = rest.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? std::string_view{} : rest.substr(eq + 1);
        cf.options.push_back({line, std::string(trim(name)), std::string(trim(value))});
        return;
    }
    if (rest.empty()) return cf.errors.push_back({line, "O", "option line without a name"});
    cf.options.push_back({line, std::string(1, rest[0]), std::string(trim(rest.substr(1)))});
}

void read_header(CfFile& cf, std::size_t line, std::string_view rest) {
    CfHeader h;
    h.line = line;
    if (!rest.empty() && rest[0] == '?') {
        auto close = rest.find('?', 1);
        if (close == std::string_view::npos) return cf.errors.push_back({line, "H", "unterminated ?flags?"});
        h.flags = std::string(rest.substr(1, close - 1));
        rest.remove_prefix(close + 1);
    }
    auto colon = rest.find(':');
    if (colon == std::string_view::npos) return cf.errors.push_back({line, "H", "header without a colon"});
    h.name = std::string(trim(rest.substr(0, colon)));
    h.value = std::string(trim(rest.substr(colon + 1)));
    cf.headers.push_back(std::move(h));
}

void read_mailer(CfFile& cf, std::size_t line, std::string_view rest) {
    CfMailer m;
    m.line = line;
    auto comma = rest.find(',');
    m.name = std::string(trim(rest.substr(0, comma)));
    if (comma != std::string_view::npos) {
        for (const auto& field : split_list(rest.substr(comma + 1), ",\n")) {
            auto f = trim(field);
            auto eq = f.find('=');
            if (eq == std::string_view::npos || eq == 0) continue;
            m.fields[std::string(trim(f.substr(0, eq)))] = std::string(trim(f.substr(eq + 1)));
        }
    }
    if (m.name.empty()) return cf.errors.push_back({line, "M", "mailer without a name"});
    cf.mailers.push_back(std::move(m));
}

void read_ruleset(CfFile& cf, std::size_t line, std::string_view rest) {
    CfRuleSet rs;
    rs.line = line;
    rest = trim(rest);
    auto eq = rest.find('=');
    rs.name = std::string(trim(rest.substr(0, eq)));
    if (eq != std::string_view::npos) rs.number = std::string(trim(rest.substr(eq + 1)));
    cf.rulesets.push_back(std::move(rs));
}

void read_rule(CfFile& cf, std::size_t line, std::string_view rest) {
    CfRule r;
    r.line = line;
    // Fields are separated by one or more tabs: LHS, RHS, comment.
    auto tab = rest.find('\t');
    r.lhs = std::string(rest.substr(0, tab));
    if (tab != std::string_view::npos) {
        rest = rest.substr(rest.find_first_not_of('\t', tab) == std::string_view::npos
                               ? rest.size() : rest.find_first_not_of('\t', tab));
        auto tab2 = rest.find('\t');
        r.rhs = std::string(rest.substr(0, tab2));
        if (tab2 != std::string_view::npos) r.comment = std::string(trim(rest.substr(tab2)));
    }
    if (cf.rulesets.empty()) cf.rulesets.push_back(CfRuleSet{line, "0", "0", {}});
    cf.rulesets.back().rules.push_back(std::move(r));
}

void read_named(std::vector<CfEntry>& into, std::size_t line, std::string_view rest) {
    std::string_view value;
    std::string name = cf_name(rest, value);
    into.push_back({line, std::move(name), std::string(value)});
}

using Reader = std::function<void(CfFile&, std::size_t, std::string_view)>;

const std::map<char, Reader>& readers() {
    static const std::map<char, Reader> table = {
        {'D', [](CfFile& cf, std::size_t l, std::string_view r) { read_named(cf.macros, l, r); }},
        {'C', [](CfFile& cf, std::size_t l, std::string_view r) { read_named(cf.classes, l, r); }},
        {'F', [](CfFile& cf, std::size_t l, std::string_view r) { read_named(cf.class_files, l, r); }},
        {'O', read_option},
        {'H', read_header},
        {'M', read_mailer},
        {'S', read_ruleset},
        {'R', read_rule},
        {'K', [](CfFile& cf, std::size_t l, std::string_view r) {
             auto t = trim(r);
             auto sp = t.find_first_of(" \t");
             cf.maps.push_back({l, std::string(t.substr(0, sp)),
                                sp == std::string_view::npos ? std::string{} : std::string(trim(t.substr(sp)))});
         }},
        {'T', [](CfFile& cf, std::size_t l, std::string_view r) { cf.trusted.push_back({l, "T", std::string(trim(r))}); }},
        {'V', [](CfFile& cf, std::size_t, std::string_view r) { cf.version = std::string(trim(r)); }},
    };
    return table;
}

}  // namespace

std::string cf_name(std::string_view s, std::string_view& rest) {
    if (s.empty()) {
        rest = {};
        return {};
    }
    if (s[0] == '{') {
        auto close = s.find('}');
        if (close != std::string_view::npos) {
            rest = s.substr(close + 1);
            return std::string(s.substr(1, close - 1));
        }
    }
    rest = s.substr(1);
    return std::string(1, s[0]);
}

CfFile parse_cf(std::string_view text, std::string path) {
    CfFile cf;
    cf.path = std::move(path);
    for (const auto& l : logical_lines(text)) {
        char kind = l.text[0];
        if (kind == '#') {
            note_marker(cf, l);
            continue;
        }
        auto it = readers().find(kind);
        if (it != readers().end())
            it->second(cf, l.line, std::string_view(l.text).substr(1));
        else
            cf.other.push_back({l.line, std::string(1, kind), l.text.substr(1)});
    }
    return cf;
}

bool CfFile::has_piece(std::string_view name) const {
    for (const auto& p : m4_pieces)
        if (p == name) return true;
    return false;
}

namespace {
template <class T>
const T* last_named(const std::vector<T>& v, std::string_view name) {
    const T* found = nullptr;
    for (const auto& e : v)
        if (e.name == name) found = &e;
    return found;
}
}  // namespace

const CfEntry* CfFile::option(std::string_view name) const { return last_named(options, name); }
const CfEntry* CfFile::macro(std::string_view name) const { return last_named(macros, name); }
const CfMailer* CfFile::mailer(std::string_view name) const { return last_named(mailers, name); }

std::vector<std::string> CfFile::class_words(std::string_view name) const {
    std::vector<std::string> words;
    for (const auto& c : classes)
        if (c.name == name)
            for (auto& w : split_list(c.value, " \t\n")) words.push_back(std::move(w));
    return words;
}

}  // namespace postern::migrate
