// makemap: sendmail's table builder, command line and behaviour kept
// (sendmail-facts.md): keys lower-cased unless -f, stored without a NUL
// unless -N, a duplicate key is an error (exit 65, first value kept) unless
// -r, -o adds to an existing table, -u dumps it as key<TAB>value. The text
// comes from standard input. Tables are written atomically by maps/.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace postern::makemap {

struct Options {
    bool append_nul = false;  // -N
    bool fold = true;         // -f turns off
    bool allow_empty = false; // -e
    bool append = false;      // -o
    bool replace = false;     // -r
    bool dump = false;        // -u
    bool list_types = false;  // -l
    char comment = '#';       // -D
    char delimiter = '\0';    // -t
    std::string type;
    std::string name;
};

// Parse argv as sendmail's makemap does; false on a usage error.
bool parse_args(int argc, char** argv, Options& opts);
int run(const Options& opts, std::FILE* in, std::FILE* out, std::FILE* err);

}  // namespace postern::makemap
