// makemap: build a lookup table from standard input (sendmail-compatible).
// Runs as the invoking user and writes only the table it is told to write.
#include <cstdio>

#include "lib/base/sysexits.hpp"
#include "makemap_run.hpp"

int main(int argc, char** argv) {
    postern::makemap::Options opts;
    if (!postern::makemap::parse_args(argc, argv, opts)) {
        std::fprintf(stderr,
                     "Usage: makemap [-C cffile] [-N] [-c cachesize] [-D commentchar]\n"
                     "               [-d] [-e] [-f] [-l] [-o] [-r] [-s] [-t delimiter]\n"
                     "               [-u] [-v] type mapname\n");
        return postern::ex::kUsage;
    }
    return postern::makemap::run(opts, stdin, stdout, stderr);
}
