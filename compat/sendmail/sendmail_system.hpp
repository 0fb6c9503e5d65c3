// The modes that start or inspect the mail system rather than a message:
//   -bd   start the mail system: "postern-ctl -c DIR start" (master runs in
//         the background; postern's inet services, not sendmail, listen on
//         the SMTP port as services.conf says); its exit status is passed on
//   -bD   run master in the foreground ("master -f -c DIR"): this process
//         becomes master, as sendmail -bD stays in the foreground
//   -bP   print the number of messages in each queue directory and the total
//   -bC   check the configuration (main.conf and services.conf) and exit:
//         EX_OK, or EX_CONFIG with the file:line of the first error
//   -d    sendmail's debug flags: "-d0" (any level) prints the version and
//         the configuration directory; other categories print nothing
// Each returns a sysexits code; -bD returns only when master cannot run.
#pragma once

#include "lib/config/config.hpp"
#include "sendmail_options.hpp"

namespace postern::sendmail {

int start_daemon(const Options& o, const config::Config& cfg);
int run_daemon_foreground(const Options& o, const config::Config& cfg);
int print_queue_counts(const Options& o, const config::Config& cfg);
int check_config(const Options& o, const config::Config& cfg);
void print_debug(const Options& o, const config::Config& cfg);

}  // namespace postern::sendmail
