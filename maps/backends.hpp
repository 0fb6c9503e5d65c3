// The registry rows, one per backend file (internal to maps/).
#pragma once

#include "maps/registry.hpp"

namespace postern::maps {

extern const MapType kHashType;      // db_map.cpp
extern const MapType kBtreeType;     // db_map.cpp
extern const MapType kDbmType;       // dbm_map.cpp
extern const MapType kTexthashType;  // text_map.cpp
extern const MapType kInlineType;    // text_map.cpp
extern const MapType kStaticType;    // text_map.cpp
extern const MapType kRegexpType;    // regexp_map.cpp
extern const MapType kNisType;       // nis_map.cpp
extern const MapType kLdapType;      // ldap_map.cpp

// Write `files` beside their final names and rename each into place
// (shared by the file builders): temp names are final + ".tmp.PID".
std::string temp_name_for(const std::string& final_path);
// Mode for a rebuilt file: the existing file's, else fallback.
mode_t mode_to_keep(const std::string& path, mode_t fallback);
// fsync a finished file by name.
Status fsync_path(const std::string& path);

}  // namespace postern::maps
