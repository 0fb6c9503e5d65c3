// postern-ctl: set up, start, stop, reload and query a postern instance.
// Runs as the invoking user; only setup-system needs (and checks for) root.
#include <iostream>

#include "ctl.hpp"

int main(int argc, char** argv) { return postern::ctl::dispatch(argc, argv, std::cout, std::cerr); }
