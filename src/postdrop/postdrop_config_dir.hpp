// Which configuration directory the set-gid postdrop may use. postdrop
// runs with the group that may write maildrop/, on behalf of any local
// user, so a configuration chosen by that user (-c DIR or
// POSTERN_CONFIG_DIR) must not steer it: a hostile main.conf could name
// another queue_directory (writing group-postdrop files where the user
// could not) or raise message_size_limit. As Postfix does with
// alternate_config_directories:
//   - without set-gid privilege (real gid == effective gid), or for root,
//     any directory is fine: postdrop then has no rights the caller lacks;
//   - otherwise the default directory is always fine, and another one only
//     when the DEFAULT main.conf lists it in alternate_config_directories
//     (compared as written, trailing '/' ignored), or - postern's addition
//     for root-made instances such as a second system instance - when only
//     root could have written it: the directory, every directory above it
//     and its main.conf are owned by root and writable by nobody else
//     (a world-writable ancestor must be sticky, like /tmp).
// A refusal is EX_NOPERM with one line naming the directory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::postdrop {

struct ConfigDirCheck {
    bool setgid = false;        // effective gid differs from the real one
    bool root = false;          // real uid 0
    std::string default_dir;    // /etc/postern
    // alternate_config_directories of the default main.conf (read only when needed).
    std::function<Result<std::vector<std::string>>()> alternates;
    // Whether only root could have written DIR and DIR/main.conf (see above).
    std::function<bool(const std::string& dir)> root_controlled;
};

// The real check on the file system (lstat of every component).
bool root_controlled_config(const std::string& dir);

// Ok, or an Error whose message is the line to print.
Status check_config_dir(const std::string& requested, const ConfigDirCheck& check);

// The checks for this process (getgid/getegid/getuid, the compiled-in default).
ConfigDirCheck process_config_dir_check();

}  // namespace postern::postdrop
