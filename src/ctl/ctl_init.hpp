// postern-ctl init DIR --user-instance: a self-contained instance in DIR
// (config, queue, logs, Maildirs) that runs as the invoking user from the
// programs next to postern-ctl, so a build tree works without installing.
#pragma once

#include <string>

namespace postern::ctl {

inline constexpr int kDefaultSmtpPort = 2525;

struct UserInstance {
    std::string dir;         // absolute
    std::string program_dir; // daemon_directory = command_directory
    std::string user;
    std::string group;
    int port = kDefaultSmtpPort;
    bool smtpd = false;      // program_dir/smtpd exists: enable its line
};

std::string user_main_conf(const UserInstance& u);
std::string user_services_conf(const UserInstance& u);
std::string user_aliases();

// The directory of the running executable (/proc/self/exe).
std::string self_directory();

}  // namespace postern::ctl
