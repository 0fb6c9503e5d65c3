#include "postdrop_args.hpp"

#include <string_view>

namespace postern::postdrop {

Args parse_args(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "-c" && i + 1 < argc) {
            a.config_dir = argv[++i];
        } else if (arg.size() > 2 && arg.substr(0, 2) == "-c") {
            a.config_dir = std::string(arg.substr(2));
        } else {
            a.error = "usage: postdrop [-c config_dir]";
            return a;
        }
    }
    return a;
}

}  // namespace postern::postdrop
