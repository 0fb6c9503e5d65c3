// Typed handles for the parameter table (params.def). A handle is a tag with
// the parameter's index; Config::get(handle) returns the validated value in
// the parameter's C++ type, so a wrong-type use fails to compile:
//     long long n = cfg.get(params::line_length_limit);
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace postern::config {

enum class Type { String, Int, Bool, Time, Size, List };

struct ParamInfo {
    std::string_view name;
    Type type;
    std::string_view default_value;
    long long min;
    long long max;
    std::string_view users;
    std::string_view description;
};

template <Type T>
struct Param {
    std::size_t index;      // row in params.def when the caller was compiled (the fast path)
    std::string_view name;  // what the handle means: Config::get checks the row by it
};

namespace detail {
enum Index : std::size_t {
#define PARAM(name, type, def, min, max, users, doc) k_##name,
#include "lib/config/params.def"
#undef PARAM
    kParamCount
};
}  // namespace detail

namespace params {
#define PARAM(name, type, def, min, max, users, doc) \
    inline constexpr Param<Type::type> name{detail::k_##name, #name};
#include "lib/config/params.def"
#undef PARAM
}  // namespace params

// All rows, in table order.
std::span<const ParamInfo> all_params();
const ParamInfo* find_param(std::string_view name);
std::string_view type_name(Type t);

}  // namespace postern::config
