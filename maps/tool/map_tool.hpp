// postern-map: build, query, list and edit lookup tables; and show what a
// daemon would see through the table semantics (-x). See postern-map(1).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "maps/map.hpp"

namespace postern::maps::tool {

struct Command {
    enum class Mode { Build, Query, Dump, Delete, Semantics } mode = Mode::Build;
    std::string key;                 // -q / -d
    std::string kind;                // -x
    std::vector<std::string> specs;  // type:name operands
    std::string config_dir;          // -c
    bool append_nul = true;          // -N (default) / -n
    bool fold = true;                // -f turns folding off
};

// Exit status: 0 found/done, 1 not found, 64 usage, 65 bad source,
// 66 missing input, 73 cannot create, 75 temporary failure.
int run_build(const Command& cmd, const MapOptions& opts, std::FILE* err);
int run_query(const Command& cmd, const MapOptions& opts, std::FILE* in, std::FILE* out, std::FILE* err);
int run_dump(const Command& cmd, const MapOptions& opts, std::FILE* out, std::FILE* err);
int run_delete(const Command& cmd, const MapOptions& opts, std::FILE* err);
int run_semantics(const Command& cmd, std::FILE* out, std::FILE* err);

}  // namespace postern::maps::tool
