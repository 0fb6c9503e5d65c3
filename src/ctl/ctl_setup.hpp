// postern-ctl setup-system: turn this host into a postern system instance.
// Creates (when missing) the group $setgid_group and the system user
// $mail_owner, the config directory with the default main.conf and
// services.conf, and the queue with its owners and modes:
//   $queue_directory          root:root            0755
//   each subdirectory          $mail_owner:root     0700
//   maildrop/                  $mail_owner:postdrop 1770
//   public/                    $mail_owner:postdrop 0710
//   $command_directory/postdrop  group postdrop, mode 2755
// It never touches /usr/sbin/sendmail. Each step is an action with a
// description, so --dry-run prints exactly what a real run would do.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::ctl {

struct SetupParams {
    std::string config_dir;
    std::string queue_dir;
    std::string mail_owner;
    std::string setgid_group;
    std::string command_dir;
};

struct SetupAction {
    std::string what;
    std::function<Status()> run;
};

std::vector<SetupAction> plan_setup_system(const SetupParams& p);

}  // namespace postern::ctl
