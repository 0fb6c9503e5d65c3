// master's command line and configuration: main.conf plus services.conf,
// loaded and checked as a whole, so that a reload either takes all of a new
// configuration or none of it.
#pragma once

#include <string>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/config/config.hpp"
#include "lib/config/services.hpp"
#include "master_children.hpp"

namespace postern::master {

struct Options {
    std::string config_dir;  // absolute: master runs in "/"
    bool foreground = false;
};

// master [-c DIR] [-f]
Result<Options> parse_options(int argc, char** argv);

struct Settings {
    config::Config cfg;
    std::vector<config::ServiceEntry> services;
};

Result<Settings> load_settings(const std::string& config_dir);

// $queue_directory must be an existing directory; in a system instance
// owned by root or $mail_owner and writable by nobody else.
Status check_queue_directory(const config::Config& cfg);

SupervisorSettings supervisor_settings(const config::Config& cfg);

// postern/master to syslog and $maillog_file; to stderr too in foreground.
void init_logging(const config::Config& cfg, bool foreground);

}  // namespace postern::master
