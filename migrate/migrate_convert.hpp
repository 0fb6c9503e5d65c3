// From sendmail tables to postern tables: one function per sendmail table,
// pure (entries in, entries and plan items out), so every rule is tested
// without files. Each source entry becomes exactly one plan item: converted,
// converted with a note (what differs), or not converted (why), with its
// file:line (or database key).
//
//   virtusertable -> "virtual"           (virtual_alias_maps), error: -> "transport"
//   mailertable   -> "transport"         (transport_maps)
//   genericstable -> "sender_canonical"  (sender_canonical_maps)
//   domaintable   -> "canonical"         (canonical_maps, @old -> @new)
//   access        -> "client_access", "sender_access", "recipient_access"
//   aliases       -> the file name given (alias_maps)
//
// sendmail's lookup order is the specification (cf/m4/proto.m4 of 8.17);
// the header comment of each converter says where postern's key search
// differs and what the converter does about it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "migrate_plan.hpp"
#include "migrate_tables.hpp"

namespace postern::migrate {

struct OutEntry {
    std::string key;
    std::string value;
    std::string from;  // the source entry's file:line, for the table's comment line
};

// Output table name -> entries, in source order; a key appears once.
using OutTables = std::map<std::string, std::vector<OutEntry>>;

// Domains sendmail applies the tables to (lower case, no trailing dot).
struct Domains {
    std::set<std::string> local;     // class w
    std::set<std::string> virt;      // class VirtHost (VIRTUSER_DOMAIN)
    std::set<std::string> generics;  // class G (GENERICS_DOMAIN)
};

// Keys sendmail looks up only for local and VirtHost domains; "%1@dom" in a
// catch-all becomes "@dom"; user+*@d becomes user@d when the table has no
// user@d. error: values become transport_maps error: entries.
void convert_virtuser(const SourceTable& in, const Domains& d, OutTables& out, Plan& plan);
// ".dom" and "dom" keys kept, "." becomes "*"; esmtp/smtp/relay -> smtp.
// sendmail delivers class w domains before it consults mailertable, postern
// consults transport_maps for every domain: keys for w domains are never
// used (reported), and a w domain that a ".parent" or "*" key would catch
// gets its own "local:" entry.
void convert_mailertable(const SourceTable& in, const Domains& d, OutTables& out, Plan& plan);
// Only class G domains; a bare "user" key becomes user@g for each G domain.
void convert_generics(const SourceTable& in, const Domains& d, OutTables& out, Plan& plan);
void convert_domaintable(const SourceTable& in, OutTables& out, Plan& plan);
// Connect:/From:/To: tags split into three tables; untagged keys go into
// all three unless a tagged key says otherwise; IPv6: keys normalized.
void convert_access(const SourceTable& in, OutTables& out, Plan& plan);
// Values re-rendered as postern's alias grammar reads them.
void convert_aliases(const SourceTable& in, const std::string& table, OutTables& out, Plan& plan);

// The plan item for one source entry: "TABLE KEY VALUE" at its source.
void entry_item(Plan& plan, const std::string& table, const TableEntry& e, Outcome o, std::string note);

// Targets as one aliases(5) value: a target holding a comma or white space
// (and no quote of its own) is quoted, so postern reads the same list back.
std::string alias_value(const std::vector<std::string>& targets);

// "error:5.7.1:550 text", "error:nouser text", "error:550 text" (after
// "error:") -> "5.7.1 text" as postern's error transport reads it.
std::string error_text(std::string_view rest);
// sendmail "IPv6:2001:0db8:0:0:0:0:0:1" (uncompressed since 8.15) -> the
// compressed form postern's smtpd sees ("2001:db8::1"); prefixes
// ("IPv6:2001:db8") keep their groups, leading zeros dropped.
std::string ipv6_key(std::string_view rest);

}  // namespace postern::migrate
