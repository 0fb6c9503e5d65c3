// The parameter table as data: one ParamInfo per row of params.def, in
// table order, so the index in a Param<T> handle is also the index here.
#include "lib/config/params.hpp"

#include <array>
#include <string_view>

namespace postern::config {
namespace {

constexpr std::array<ParamInfo, detail::kParamCount> kParams{{
#define PARAM(name, type, def, min, max, users, doc) \
    {#name, Type::type, def, min, max, users, doc},
#include "lib/config/params.def"
#undef PARAM
}};

struct TypeName {
    Type type;
    std::string_view name;
};

constexpr std::array<TypeName, 6> kTypeNames{{
    {Type::String, "string"},
    {Type::Int, "integer"},
    {Type::Bool, "boolean"},
    {Type::Time, "time"},
    {Type::Size, "size"},
    {Type::List, "list"},
}};

}  // namespace

std::span<const ParamInfo> all_params() { return kParams; }

const ParamInfo* find_param(std::string_view name) {
    // ~50 rows: a linear scan is cheaper than building an index at startup.
    for (const auto& p : kParams) {
        if (p.name == name) return &p;
    }
    return nullptr;
}

std::string_view type_name(Type t) {
    for (const auto& tn : kTypeNames) {
        if (tn.type == t) return tn.name;
    }
    return "unknown";
}

}  // namespace postern::config
