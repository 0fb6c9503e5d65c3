// The registry: "type:name" -> an open Map, and for the writable types a
// builder, a dumper and a deleter (Postfix's dict_open.c table: one row per
// type with its opener and, where it has one, its builder).
//
//   hash:PATH, btree:PATH   Berkeley DB file PATH.db          (writable)
//   dbm:PATH                ndbm files PATH.dir / PATH.pag    (writable)
//   texthash:PATH           "key value" text, read whole at open
//   regexp:PATH             /pattern/flags result lines
//   inline:{k=v, k2=v2}     the table in the name itself
//   static:VALUE            every key is found, with VALUE
//   nis:MAPNAME             yp_match in $nis_domain_name (or the system's)
//   ldap:PATH               LDAP queries described by the .cf file PATH
//
// open_map() wraps file tables so that a change of the file on disk (new
// inode, size or mtime, as an atomic rebuild produces) is noticed at the next
// lookup and the table reopened. A daemon opens its tables before chroot:
// if the path can no longer be seen, the table opened first stays in use.
// Builds are atomic: a complete new file is written beside the old one,
// fsynced and renamed over it; readers see the old or the new table, never
// a mix, and a failed build leaves the old table untouched.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "maps/map.hpp"

namespace postern::maps {

struct Entry {
    std::string key;
    std::string value;
};

struct BuildOptions {
    bool append_nul = true;  // store keys and values with a trailing NUL (postmap's default; makemap -N)
    mode_t mode = 0644;      // of a new file; a rebuilt file keeps the old file's mode
};

struct MapSpec {
    std::string type;
    std::string name;
};
// Split "type:name"; an error names the spec when the type is missing.
Result<MapSpec> parse_spec(std::string_view spec);

Result<std::unique_ptr<Map>> open_map(std::string_view spec, const MapOptions& opts = {});

// Writable types (hash, btree, dbm). Entries are stored as given (callers
// fold case); a duplicate key in a build keeps the last value.
bool is_writable(std::string_view type);
Status build_map(std::string_view spec, const std::vector<Entry>& entries, const BuildOptions& opts);
// Every entry, trailing NULs stripped, in the backend's order.
Result<std::vector<Entry>> dump_map(std::string_view spec, const MapOptions& opts = {});
// Remove key (tried with and without a trailing NUL); false when absent.
// Rewrites the table atomically.
Result<bool> delete_key(std::string_view spec, std::string_view key, const MapOptions& opts = {});

// The registry rows themselves, for backends (each *_map.cpp supplies one).
using Opener = Result<std::unique_ptr<Map>> (*)(const MapSpec& spec, const MapOptions& opts);
using Builder = Status (*)(const std::string& name, const std::vector<Entry>& entries, const BuildOptions& opts);
// Raw entries, trailing NULs included.
using Dumper = Result<std::vector<Entry>> (*)(const std::string& name);
// Files a table of this type reads, for change detection ({} for none).
using FilesOf = std::vector<std::string> (*)(const std::string& name);

struct MapType {
    std::string_view name;
    Opener open;
    Builder build;     // nullptr: read-only type
    Dumper dump;       // nullptr: cannot be listed
    FilesOf files_of;  // nullptr: nothing to watch
};

const MapType* find_type(std::string_view name);

}  // namespace postern::maps
