// praliases: print the alias database(s) as sendmail's praliases does,
// "name:value" per entry (NULs stripped; newaliases' "@:@" sentinel shown),
// or for each KEY its value or "KEY: No such key".
// -f FILE reads FILE.db (hash); without it every hash:/btree:/dbm: table in
// $alias_maps (main.conf from POSTERN_CONFIG_DIR or /etc/postern) is read.
// -C (sendmail's cf file) is accepted and ignored.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace postern::praliases {

struct Options {
    std::vector<std::string> tables;  // type:name
    std::vector<std::string> keys;
};

int run(const Options& opts, std::FILE* out, std::FILE* err);

}  // namespace postern::praliases
