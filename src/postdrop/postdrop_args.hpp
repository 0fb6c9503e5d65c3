// postdrop's command line: "postdrop [-c config_dir]" and nothing else.
#pragma once

#include <optional>
#include <string>

namespace postern::postdrop {

struct Args {
    std::optional<std::string> config_dir;
    std::string error;  // non-empty: a usage error, one line
};

Args parse_args(int argc, char** argv);

}  // namespace postern::postdrop
