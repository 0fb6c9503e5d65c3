// Reading back what code under test wrote to a std::tmpfile().
#pragma once

#include <cstdio>
#include <string>

namespace postern::testing {

// Everything written to f, from its start; f is closed.
inline std::string read_and_close(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    std::fclose(f);
    return s;
}

}  // namespace postern::testing
