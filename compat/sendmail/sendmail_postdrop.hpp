// Running postdrop: sendmail's only way into the queue. sendmail writes the
// queue-file records to postdrop's standard input and reports what postdrop
// said on its standard error. sendmail exits 0 only when postdrop did.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/base/unique_fd.hpp"

namespace postern::sendmail {

struct PostdropChild {
    pid_t pid = -1;
    UniqueFd input;   // write end of postdrop's stdin
    UniqueFd errors;  // read end of postdrop's stderr
};

struct PostdropExit {
    int exit_code = 0;                  // sysexits value for sendmail to return
    std::vector<std::string> messages;  // postdrop's stderr lines, bounded
};

// Start "program -c config_dir" with pipes on fd 0 and 2. SIGPIPE is reset to
// its default in the child even though the caller ignores it.
Result<PostdropChild> spawn_postdrop(const std::string& program, const std::string& config_dir);
// Close the input (if still open), collect stderr (at most a few bounded
// lines), wait for the child and map its status: exit code 0 -> 0, a
// sysexits code -> that code, anything else or a signal -> EX_TEMPFAIL.
PostdropExit finish_postdrop(PostdropChild& child);
int exit_code_from_wait_status(int wait_status);

// Rewrite "postdrop: fatal: x" as "PROGRAM: fatal: x" for the caller's stderr.
std::string relabel_message(const std::string& line, const std::string& program);

}  // namespace postern::sendmail
