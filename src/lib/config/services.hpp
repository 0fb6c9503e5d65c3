// services.conf: one line per service, read by master (and postern-ctl).
//
//   # service   type  private unpriv chroot maxproc command [args...]
//   pickup      unix  n       y      n      1       pickup
//   cleanup     unix  y       y      n      -       cleanup
//   qmgr        unix  n       y      n      1       qmgr
//   local       unix  y       n      n      -       local
//   127.0.0.1:2525 inet n     y      n      -       smtpd
//
// type unix: master creates a UNIX-domain listening socket at
// $queue_directory/private/NAME (private=y, mode 0600 owned by mail_owner) or
// public/NAME (private=n, mode 0666 inside the group-postdrop public/ dir).
// type inet: NAME is [host:]port; master binds it (host "" or missing = all
// of $inet_interfaces). "-" takes the default (private y, unpriv y, chroot n,
// maxproc $default_process_limit). Lines starting with white space continue
// the previous line; "#" lines are comments. Errors name "file:line".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::config {

struct ServiceEntry {
    std::string name;
    enum class Kind { Unix, Inet } kind = Kind::Unix;
    bool is_private = true;
    bool unprivileged = true;
    bool chroot = false;
    int max_proc = 0;        // 0 = $default_process_limit ("-")
    std::string command;     // program name, relative to $daemon_directory (or absolute)
    std::vector<std::string> args;
    int line = 0;            // line number in the file, for messages
};

Result<std::vector<ServiceEntry>> parse_services(std::string_view text, const std::string& file_name);
Result<std::vector<ServiceEntry>> load_services(const std::string& config_dir);

}  // namespace postern::config
