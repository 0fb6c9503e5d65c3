// The table conversion: every AliasFile and every K map the m4 FEATUREs
// declare (virtuser, mailertable, generics, domaintable, access) is read
// (migrate_tables.hpp), converted (migrate_convert.hpp) and, by apply,
// written into the postern instance as CONFIG_DIR/sendmail/NAME (text, one
// "# from" comment per entry, editable and rebuildable with postern-map)
// and CONFIG_DIR/sendmail/NAME.db built by maps/ (the writer postern-map and makemap
// use). Each built table is then checked: every key is looked up through
// maps/ and must answer the converted value. The settings that name the
// tables (alias_maps, virtual_alias_maps, transport_maps,
// sender_canonical_maps, canonical_maps and the smtpd access tables when
// this postern has parameters for them) are returned for main.conf.
// plan writes nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "migrate_config.hpp"

namespace postern::migrate {

struct TablesTarget {
    std::string config_dir;  // where the tables go
    bool apply = false;
};

// An error only when a table cannot be written; unreadable sources are
// plan items.
Result<std::vector<Setting>> convert_tables(const CfFile& cf, const CfContext& ctx, const TablesTarget& target,
                                            Plan& plan);

// K map names convert_tables handles (the other K lines are described by
// the cf conversion).
bool table_map_name(std::string_view name);

}  // namespace postern::migrate
