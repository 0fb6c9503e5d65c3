// $name expansion of main.conf values, done once at load.
//
// Forms: $name, ${name}, $(name), ${name?text} (text when name is not empty),
// ${name:text} (text when name is empty), and $$ for a literal "$". Each
// parameter is expanded once and remembered, so a value that refers to the
// same parameter many times costs nothing extra; a parameter met again while
// it is being expanded is a loop. The nesting height (a refers to b refers to
// c ...) is bounded by kMaxExpansionDepth whatever order the table is in, and
// an expanded value by kMaxExpandedBytes, so no main.conf can make the
// expansion blow up.
//
// Some parameters hold references that only a delivery can fill in
// (forward_path: $home, $user, ...). Those names are left as written, and so
// is "$$", for the program that uses the value to expand later.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <string>

#include "lib/config/config_detail.hpp"

namespace postern::config::detail {
namespace {

struct LateNames {
    std::size_t param;
    std::array<std::string_view, 7> names;
};

constexpr std::array<LateNames, 1> kLateNames{{
    {k_forward_path, {"user", "home", "shell", "recipient", "extension", "domain", "local"}},
}};

const LateNames* late_names_of(std::size_t param) {
    for (const auto& l : kLateNames) {
        if (l.param == param) return &l;
    }
    return nullptr;
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Expanded {
    std::string value;
    int height = 0;  // how many references deep this value's expansion went
};

class Expander {
public:
    Expander(const std::vector<std::string>& raw, const Origin& origin)
        : raw_(raw), origin_(origin), state_(raw.size(), State::Todo), done_(raw.size()) {}

    Result<Expanded> param(std::size_t index);

private:
    enum class State { Todo, Busy, Done };

    // Expansion of one value (or the text inside ${name?text}) owned by param
    // `owner`; nest counts bracket nesting inside that one value.
    Result<Expanded> text(std::size_t owner, std::string_view s, int nest);
    Status reference(std::size_t owner, std::string_view name, std::string_view cond, char op,
                     int nest, Expanded& out);
    Result<std::string> computed(std::size_t index, Expanded& out);
    Error fail(std::size_t owner, const std::string& what) const {
        return make_error(where(origin_, owner) + std::string(all_params()[owner].name) + ": " + what);
    }

    const std::vector<std::string>& raw_;
    const Origin& origin_;
    std::vector<State> state_;
    std::vector<Expanded> done_;
};

Result<Expanded> Expander::param(std::size_t index) {
    if (state_[index] == State::Done) return done_[index];
    state_[index] = State::Busy;
    auto r = text(index, raw_[index], 0);
    if (!r) return r.error();
    if (r->value.empty()) {
        auto c = computed(index, *r);
        if (!c) return c.error();
        r->value = std::move(*c);
    }
    if (r->height > kMaxExpansionDepth) {
        return fail(index, "$name expansion nested deeper than " + std::to_string(kMaxExpansionDepth) +
                               " levels");
    }
    state_[index] = State::Done;
    done_[index] = std::move(*r);
    return done_[index];
}

// Empty myhostname/mydomain mean "ask the system", as in Postfix.
Result<std::string> Expander::computed(std::size_t index, Expanded& out) {
    if (index == k_myhostname) return system_hostname();
    if (index != k_mydomain) return std::string();
    auto host = param(k_myhostname);
    if (!host) return host.error();
    out.height = std::max(out.height, host->height + 1);
    const auto dot = host->value.find('.');
    if (dot == std::string::npos || dot + 1 == host->value.size()) return std::string("localdomain");
    return host->value.substr(dot + 1);
}

Status Expander::reference(std::size_t owner, std::string_view name, std::string_view cond, char op,
                           int nest, Expanded& out) {
    const ParamInfo* p = find_param(name);
    if (p == nullptr) return fail(owner, "unknown parameter $" + std::string(name) + " in value");
    const auto index = static_cast<std::size_t>(p - all_params().data());
    if (state_[index] == State::Busy) {
        return fail(owner, "expansion loop: $" + std::string(name) + " refers back to itself");
    }
    auto v = param(index);
    if (!v) return v.error();
    out.height = std::max(out.height, v->height + 1);
    if (op == 0) {
        out.value += v->value;
    } else if ((op == '?') == !v->value.empty()) {
        auto t = text(owner, cond, nest + 1);
        if (!t) return t.error();
        out.height = std::max(out.height, t->height);
        out.value += t->value;
    }
    if (out.value.size() > kMaxExpandedBytes) {
        return fail(owner, "value longer than " + std::to_string(kMaxExpandedBytes) + " bytes after expansion");
    }
    return {};
}

// Position of the bracket closing the one at s[open], or npos.
std::size_t matching_close(std::string_view s, std::size_t open) {
    const char o = s[open];
    const char c = o == '{' ? '}' : ')';
    int depth = 0;
    for (std::size_t i = open; i < s.size(); ++i) {
        if (s[i] == o) ++depth;
        if (s[i] == c && --depth == 0) return i;
    }
    return std::string_view::npos;
}

Result<Expanded> Expander::text(std::size_t owner, std::string_view s, int nest) {
    if (nest > kMaxExpansionDepth) return fail(owner, "${...} nested deeper than " + std::to_string(kMaxExpansionDepth));
    const LateNames* late = late_names_of(owner);
    Expanded out;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto dollar = s.find('$', i);
        out.value.append(s.substr(i, dollar == std::string_view::npos ? std::string_view::npos : dollar - i));
        if (dollar == std::string_view::npos) break;
        if (dollar + 1 == s.size()) return fail(owner, "\"$\" at end of value (write $$ for a literal $)");
        const char next = s[dollar + 1];
        std::string_view name, cond, whole;
        char op = 0;
        if (next == '$') {
            out.value += late ? "$$" : "$";
            i = dollar + 2;
            continue;
        }
        if (next == '{' || next == '(') {
            const auto close = matching_close(s, dollar + 1);
            if (close == std::string_view::npos) return fail(owner, std::string("unterminated $") + next);
            const auto inner = s.substr(dollar + 2, close - dollar - 2);
            const auto n = std::find_if_not(inner.begin(), inner.end(), is_name_char) - inner.begin();
            name = inner.substr(0, static_cast<std::size_t>(n));
            const auto rest = inner.substr(static_cast<std::size_t>(n));
            if (!rest.empty() && next == '{' && (rest[0] == '?' || rest[0] == ':')) {
                op = rest[0];
                cond = rest.substr(1);
            } else if (!rest.empty() || name.empty()) {
                return fail(owner, "invalid parameter name in $" + std::string(s.substr(dollar + 1, close - dollar)));
            }
            i = close + 1;
        } else {
            const auto start = s.begin() + static_cast<std::ptrdiff_t>(dollar + 1);
            const auto n = std::find_if_not(start, s.end(), is_name_char) - start;
            if (n == 0) return fail(owner, std::string("invalid character after \"$\": \"") + next + "\" (write $$ for a literal $)");
            name = s.substr(dollar + 1, static_cast<std::size_t>(n));
            i = dollar + 1 + static_cast<std::size_t>(n);
        }
        whole = s.substr(dollar, i - dollar);
        if (late && std::find(late->names.begin(), late->names.end(), name) != late->names.end()) {
            out.value += whole;
            continue;
        }
        POSTERN_TRY(reference(owner, name, cond, op, nest, out));
    }
    return out;
}

}  // namespace

std::string where(const Origin& origin, std::size_t index) {
    if (origin.file.empty()) return "";
    if (index < origin.line.size() && origin.line[index] > 0) {
        return origin.file + ":" + std::to_string(origin.line[index]) + ": ";
    }
    return origin.file + ": ";
}

std::string system_hostname() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
    return buf;
}

Result<std::vector<std::string>> expand_all(const std::vector<std::string>& raw, const Origin& origin) {
    Expander ex(raw, origin);
    std::vector<std::string> out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        auto v = ex.param(i);
        if (!v) return v.error();
        out.push_back(std::move(v->value));
    }
    return out;
}

}  // namespace postern::config::detail
