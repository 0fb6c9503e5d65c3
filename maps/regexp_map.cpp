// regexp:PATH - POSIX regular expression tables, in the form Postfix
// admins know (regexp_table(5)):
//     /pattern/flags   result with $1 .. $9 substitutions
//     !/pattern/flags  result              (matches when pattern does not)
//     if /pattern/flags ... endif          (nested blocks)
// Flags toggle: i (case-insensitive, on by default), x (extended syntax, on
// by default), m (multi-line). Rules are tried in file order; the first match
// wins. A pattern that does not compile, an unknown flag, a $N beyond the
// pattern's groups or an unbalanced if/endif fails the open with PATH:LINE.
#include <regex.h>

#include <memory>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "maps/backends.hpp"
#include "maps/source.hpp"

namespace postern::maps {
namespace {

struct Regex {
    regex_t re{};
    bool negate = false;
    ~Regex() { regfree(&re); }
};

struct Rule {
    std::shared_ptr<Regex> regex;
    std::vector<std::shared_ptr<Regex>> guards;  // enclosing if-conditions
    std::string result;
};

bool matches(const Regex& r, const std::string& key, regmatch_t* groups, std::size_t n) {
    bool hit = regexec(&r.re, key.c_str(), n, groups, 0) == 0;
    return hit != r.negate;
}

// Expand $1..$9, ${N} and $$ from the match groups.
std::string substitute(const std::string& result, const std::string& key, const regmatch_t* g) {
    std::string out;
    for (std::size_t i = 0; i < result.size(); ++i) {
        char c = result[i];
        if (c != '$' || i + 1 == result.size()) {
            out += c;
            continue;
        }
        char d = result[++i];
        if (d == '$') { out += '$'; continue; }
        if (d == '{' && i + 2 < result.size() && result[i + 2] == '}') d = result[++i], ++i;
        int n = d - '0';
        if (g[n].rm_so >= 0) out.append(key, static_cast<std::size_t>(g[n].rm_so),
                                        static_cast<std::size_t>(g[n].rm_eo - g[n].rm_so));
    }
    return out;
}

class RegexpMap final : public Map {
public:
    RegexpMap(std::string spec, std::vector<Rule> rules, const MapOptions& opts)
        : Map(std::move(spec)), rules_(std::move(rules)), opts_(opts) {}

    Lookup lookup(std::string_view key) override {
        std::string k(key);
        if (k.find('\0') != std::string::npos) return Lookup::not_found();
        regmatch_t groups[10];
        for (const Rule& rule : rules_) {
            bool guarded = true;
            for (const auto& g : rule.guards) guarded = guarded && matches(*g, k, nullptr, 0);
            if (!guarded) continue;
            for (auto& m : groups) m.rm_so = m.rm_eo = -1;
            if (!matches(*rule.regex, k, groups, rule.regex->negate ? 0 : 10)) continue;
            std::string value = rule.regex->negate ? rule.result : substitute(rule.result, k, groups);
            return bounded_found(*this, value, opts_);
        }
        return Lookup::not_found();
    }

private:
    std::vector<Rule> rules_;
    MapOptions opts_;
};

struct Parser {
    const std::string& path;
    int line = 0;
    std::vector<std::shared_ptr<Regex>> guards;
    std::vector<Rule> rules;

    Error error(const std::string& why) const { return make_error(path + ":" + std::to_string(line) + ": " + why); }

    // Parse "[!]/pattern/flags" at the front of s; s is left after it.
    Result<std::shared_ptr<Regex>> pattern(std::string_view& s) {
        auto rx = std::make_shared<Regex>();
        if (!s.empty() && s.front() == '!') rx->negate = true, s.remove_prefix(1);
        if (s.empty() || s.front() == ' ' || s.front() == '\\') return error("expected /pattern/");
        char delim = s.front();
        std::size_t end = 1;
        while (end < s.size() && s[end] != delim) end += s[end] == '\\' ? 2 : 1;
        if (end >= s.size()) return error("unterminated pattern (missing closing " + std::string(1, delim) + ")");
        std::string text(s.substr(1, end - 1));
        s.remove_prefix(end + 1);
        int flags = REG_EXTENDED | REG_ICASE;
        while (!s.empty() && s.front() != ' ' && s.front() != '\t') {
            char f = s.front();
            s.remove_prefix(1);
            if (f == 'i') flags ^= REG_ICASE;
            else if (f == 'x') flags ^= REG_EXTENDED;
            else if (f == 'm') flags ^= REG_NEWLINE;
            else return error(std::string("unknown regexp flag \"") + f + "\"");
        }
        if (int rc = regcomp(&rx->re, text.c_str(), flags); rc != 0) {
            char buf[256];
            regerror(rc, &rx->re, buf, sizeof buf);
            return error("pattern /" + text + "/ does not compile: " + buf);
        }
        return rx;
    }

    Status rule(std::string_view s) {
        if (s.starts_with("endif") && trim(s.substr(5)).empty()) {
            if (guards.empty()) return error("endif without if");
            guards.pop_back();
            return {};
        }
        bool is_if = s.starts_with("if") && s.size() > 2 && (s[2] == ' ' || s[2] == '\t' || s[2] == '!');
        if (is_if) s = trim(s.substr(2));
        auto rx = pattern(s);
        if (!rx) return rx.error();
        std::string result(trim(s));
        if (is_if) {
            if (!result.empty()) return error("text after if /pattern/");
            guards.push_back(*rx);
            return {};
        }
        if (result.empty()) return error("missing result after pattern");
        for (std::size_t i = result.find('$'); i != std::string::npos; i = result.find('$', i + 2)) {
            if (i + 1 >= result.size() || result[i + 1] == '$') continue;
            char d = result[i + 1] == '{' && i + 2 < result.size() ? result[i + 2] : result[i + 1];
            if (d < '0' || d > '9') return error("bad substitution in \"" + result + "\"");
            if ((*rx)->negate || static_cast<std::size_t>(d - '0') > (*rx)->re.re_nsub) {
                return error("$" + std::string(1, d) + " refers to a group the pattern does not have");
            }
        }
        rules.push_back(Rule{*rx, guards, std::move(result)});
        return {};
    }
};

Result<std::unique_ptr<Map>> open_regexp(const MapSpec& spec, const MapOptions& opts) {
    std::string label = spec.type + ":" + spec.name;
    auto text = read_file(spec.name, opts.file_limit);
    if (!text) return make_error(label + ": " + text.error().message, text.error().sys_errno);
    Parser p{spec.name, 0, {}, {}};
    std::string_view rest = *text;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        ++p.line;
        if (line.size() > opts.line_limit) return make_error(label + ": " + p.error("line too long").message);
        std::string_view body = trim(line);
        if (body.empty() || body.front() == '#') continue;
        if (Status s = p.rule(body); !s) return make_error(label + ": " + s.error().message);
    }
    if (!p.guards.empty()) return make_error(label + ": " + spec.name + ": if without endif");
    return std::unique_ptr<Map>(new RegexpMap(label, std::move(p.rules), opts));
}

std::vector<std::string> regexp_files(const std::string& name) { return {name}; }

}  // namespace

const MapType kRegexpType{"regexp", open_regexp, nullptr, nullptr, regexp_files};

}  // namespace postern::maps
