// Users and privilege changes. become() is irreversible (setgid, setgroups
// or initgroups, setuid, then a check that root cannot be regained).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/base/result.hpp"

namespace postern {

struct Identity {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
    std::string home;
    std::string shell;
};

Result<Identity> lookup_user(const std::string& name);   // getpwnam_r; "unknown user NAME"
Result<Identity> lookup_uid(uid_t uid);
Result<gid_t> lookup_group(const std::string& name);
Identity current_identity();                              // getuid() and its passwd entry (name may be the uid)

// Drop to id for good: initgroups(name, gid) (or exactly extra_groups when
// given), setgid, setuid; verify setuid(0) fails. No-op if already id and
// not root. Fails (never half-done) when not permitted.
Status become(const Identity& id, const std::optional<std::vector<gid_t>>& extra_groups = std::nullopt);

}  // namespace postern
