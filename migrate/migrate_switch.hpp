// switch and rollback: replace sendmail's command paths with postern's and
// undo exactly that.
//
// switch stops a running sendmail (its pid file, SIGTERM, checked by the
// process name), then for each of /usr/sbin/sendmail, /usr/lib/sendmail,
// /usr/bin/mailq and /usr/bin/newaliases (under --root) moves what is there
// into ROOT/var/lib/postern-migrate/backup/ (rename: mode, owner and inode
// kept) or notes the symlink target, installs a symlink to postern's
// sendmail (it answers to mailq and newaliases by its name), and writes the
// manifest ROOT/var/lib/postern-migrate/switch.manifest, fsynced, before
// touching the next path. rollback reads the manifest and restores each
// path, newest first, then removes the manifest. A second switch without a
// rollback is refused.
#pragma once

#include <string>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::migrate {

struct SwitchOptions {
    std::string root;                  // "" = the live system
    std::string postern_sendmail;      // what the links point to
    std::vector<std::string> paths = {"/usr/sbin/sendmail", "/usr/lib/sendmail", "/usr/bin/mailq",
                                      "/usr/bin/newaliases"};
};

// Lines describing what was done, for the operator.
Result<std::vector<std::string>> switch_to_postern(const SwitchOptions& options);
Result<std::vector<std::string>> rollback_switch(const std::string& root);

}  // namespace postern::migrate
