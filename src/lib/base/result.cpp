// errno_error: the one place that turns an errno into an Error line.
#include "lib/base/result.hpp"

#include <cstring>

namespace postern {

Error errno_error(std::string_view what, int err) {
    std::string msg(what);
    msg += ": ";
    msg += std::strerror(err);
    return Error{std::move(msg), err};
}

}  // namespace postern
