// sendmail's lookup tables as postern-migrate reads them: the K line that
// declares a map ("Kvirtuser hash -o /etc/mail/virtusertable.db") or an
// AliasFile entry, and the table's contents.
//
// The database (.db for hash/btree, .dir/.pag for dbm) is what sendmail
// answers with, so it is the truth: it is read through maps/ (the same
// Berkeley DB reader the daemons use) with NULs stripped. The text source
// beside it, when present, only supplies line numbers for the plan; when the
// two disagree the plan says so (the admin edited the text and never ran
// makemap/newaliases). Without a database the text is converted, with a
// note. Every file read is bounded by migrate_file_size_limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "migrate_cf.hpp"

namespace postern::migrate {

// A K line of a file-backed map, or one AliasFile entry.
struct MapDecl {
    std::string name;      // "virtuser", "aliases"
    std::string type;      // "hash", "btree", "dbm", "nis", "ldap", "sequence" ...
    std::string path;      // the file as sendmail names it (may end in .db); nis: the map name
    bool optional = false; // -o: a missing file is no error
    std::string source;    // "sendmail.cf:123"
    std::string spec;      // the K line / AliasFile entry as written
};

// Parse a K line; nullopt when it names no file (host, sequence, ...).
std::optional<MapDecl> map_decl(const CfFile& cf, const CfEntry& k);
// The AliasFile option's entries ("/etc/mail/aliases, hash:/etc/aliases2");
// none without the option.
std::vector<MapDecl> alias_decls(const CfFile& cf);

struct TableEntry {
    std::string key;     // as sendmail stored it (folded, NUL stripped)
    std::string value;
    std::string source;  // "/etc/mail/virtusertable:12" or "/etc/mail/virtusertable.db key K"
};

struct SourceTable {
    std::string read_from;           // the file the entries came from
    std::vector<TableEntry> entries; // database order (or file order for text)
    std::vector<std::string> notes;  // text/database disagreements, absent database ...
};

// Read the table decl names under root. aliases: the text is aliases(5)
// and the database's "@" sentinel is left out. An error when neither the
// database nor the text can be read.
Result<SourceTable> read_table(const MapDecl& decl, const std::string& root, std::uint64_t max_file, bool aliases);

}  // namespace postern::migrate
