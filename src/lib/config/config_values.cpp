// Value syntax of main.conf parameters (bool, time, size, integer) and the
// bounds check against a row of params.def. Messages follow Postfix's
// wording closely enough that admins recognise them:
//     message_size_limit: invalid size "12x"
//     line_length_limit: 100 is below the minimum 512
#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"
#include "lib/config/config_detail.hpp"

namespace postern::config {
namespace {

std::string quoted(std::string_view v) { return "\"" + std::string(v) + "\""; }

// Digits only, no sign, no overflow.
bool parse_digits(std::string_view v, std::uint64_t& out) {
    if (v.empty() || v.size() > 20) return false;
    std::uint64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9') return false;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
        n = n * 10 + d;
    }
    out = n;
    return true;
}

struct TimeUnit {
    char suffix;
    std::uint64_t seconds;
};

constexpr std::array<TimeUnit, 5> kTimeUnits{{
    {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800},
}};

struct BoolWord {
    std::string_view word;
    bool value;
};

constexpr std::array<BoolWord, 6> kBoolWords{{
    {"yes", true}, {"no", false}, {"true", true}, {"false", false}, {"1", true}, {"0", false},
}};

// Bounds in the unit the admin wrote them in ("s" for times).
Status check_bounds(const ParamInfo& p, long long v, std::string_view unit) {
    if (v < p.min) {
        return make_error(std::string(p.name) + ": " + std::to_string(v) + std::string(unit) +
                          " is below the minimum " + std::to_string(p.min) + std::string(unit));
    }
    if (v > p.max) {
        return make_error(std::string(p.name) + ": " + std::to_string(v) + std::string(unit) +
                          " is above the maximum " + std::to_string(p.max) + std::string(unit));
    }
    return {};
}

Status prefixed(const ParamInfo& p, const Error& e) {
    return make_error(std::string(p.name) + ": " + e.message);
}

Status validate_int(const ParamInfo& p, std::string_view v) {
    const auto n = parse_int(v);
    if (!n) return make_error(std::string(p.name) + ": invalid integer " + quoted(v));
    return check_bounds(p, static_cast<long long>(*n), "");
}

Status validate_time(const ParamInfo& p, std::string_view v) {
    auto t = parse_time(v);
    if (!t) return prefixed(p, t.error());
    return check_bounds(p, static_cast<long long>(t->count()), "s");
}

Status validate_size(const ParamInfo& p, std::string_view v) {
    auto s = parse_size(v);
    if (!s) return prefixed(p, s.error());
    // Sizes above LLONG_MAX are above every max in the table.
    const auto n = *s > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())
                       ? std::numeric_limits<long long>::max()
                       : static_cast<long long>(*s);
    return check_bounds(p, n, "");
}

Status validate_bool(const ParamInfo& p, std::string_view v) {
    auto b = parse_bool(v);
    if (!b) return prefixed(p, b.error());
    return {};
}

Status validate_any(const ParamInfo&, std::string_view) { return {}; }

struct Validator {
    Type type;
    Status (*check)(const ParamInfo&, std::string_view);
};

constexpr std::array<Validator, 6> kValidators{{
    {Type::String, validate_any},
    {Type::Int, validate_int},
    {Type::Bool, validate_bool},
    {Type::Time, validate_time},
    {Type::Size, validate_size},
    {Type::List, validate_any},
}};

}  // namespace

Result<bool> parse_bool(std::string_view v) {
    for (const auto& w : kBoolWords) {
        if (iequals(v, w.word)) return w.value;
    }
    return make_error("invalid boolean " + quoted(v) + " (want yes or no)");
}

Result<std::chrono::seconds> parse_time(std::string_view v) {
    std::string_view digits = v;
    std::uint64_t unit = 1;
    for (const auto& u : kTimeUnits) {
        if (!v.empty() && v.back() == u.suffix) {
            digits = v.substr(0, v.size() - 1);
            unit = u.seconds;
        }
    }
    std::uint64_t n = 0;
    const auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (!parse_digits(digits, n) || n > kMax / unit) {
        return make_error("invalid time " + quoted(v));
    }
    return std::chrono::seconds{static_cast<std::int64_t>(n * unit)};
}

Result<std::uint64_t> parse_size(std::string_view v) {
    std::uint64_t n = 0;
    if (!parse_digits(v, n)) return make_error("invalid size " + quoted(v));
    return n;
}

namespace detail {

Status validate_value(const ParamInfo& p, std::string_view value) {
    for (const auto& v : kValidators) {
        if (v.type == p.type) return v.check(p, value);
    }
    return make_error(std::string(p.name) + ": parameter has no type");
}

}  // namespace detail
}  // namespace postern::config
