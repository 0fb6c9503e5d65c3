// Internal to the config conversion: class members (C words and F files)
// and the items for maps, mailers, headers and trusted users.
#pragma once

#include <string>
#include <vector>

#include "migrate_config.hpp"

namespace postern::migrate {

struct ClassMember {
    std::size_t line;  // the C or F line it came from
    std::string name;
};

// Members of class name from C lines and F files (read under ctx.root);
// each F line is also a plan item. Words holding macros are left out; a
// word naming another class ($={VirtHost}) brings in its members.
std::vector<ClassMember> class_members(const CfFile& cf, const CfContext& ctx, std::string_view name, Plan& plan,
                                       int depth = 0);
// Class w without "localhost" (postern's mydestination names it anyway).
std::vector<ClassMember> local_domains(const CfFile& cf, const CfContext& ctx, Plan& plan);
std::vector<std::string> names_of(const std::vector<ClassMember>& members);
// Items for the other classes, maps, mailers, headers and T lines.
void describe_cf_rest(const CfFile& cf, Plan& plan);

}  // namespace postern::migrate
