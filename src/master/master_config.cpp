// master's options and configuration checks.
#include "master_config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "lib/base/identity.hpp"
#include "lib/base/log.hpp"

namespace postern::master {
namespace {

namespace params = config::params;

Result<std::string> absolute(const std::string& dir) {
    if (!dir.empty() && dir.front() == '/') return dir;
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd) == nullptr) return errno_error("getcwd");
    return std::string(cwd) + "/" + dir;
}

}  // namespace

Result<Options> parse_options(int argc, char** argv) {
    Options o;
    std::optional<std::string> dir;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-f") {
            o.foreground = true;
        } else if (a == "-c" && i + 1 < argc) {
            dir = argv[++i];
        } else {
            return make_error("usage: master [-c config_directory] [-f]");
        }
    }
    auto abs = absolute(config::resolve_config_dir(dir));
    if (!abs) return abs.error();
    o.config_dir = *abs;
    return o;
}

Result<Settings> load_settings(const std::string& config_dir) {
    auto cfg = config::Config::load(config_dir);
    if (!cfg) return cfg.error();
    auto services = config::load_services(config_dir);
    if (!services) return services.error();
    return Settings{std::move(cfg).value(), std::move(services).value()};
}

Status check_queue_directory(const config::Config& cfg) {
    const std::string q = cfg.get(params::queue_directory);
    if (q.empty() || q.front() != '/') return make_error("queue_directory " + q + ": not an absolute path");
    struct stat st {};
    if (::stat(q.c_str(), &st) != 0) return errno_error(q);
    if (!S_ISDIR(st.st_mode)) return make_error(q + ": not a directory");
    if (cfg.get(params::user_instance)) return {};
    auto owner = lookup_user(cfg.get(params::mail_owner));
    if (!owner) return make_error("mail_owner: " + owner.error().message);
    if (st.st_uid != 0 && st.st_uid != owner->uid)
        return make_error(q + ": owned by uid " + std::to_string(st.st_uid) + ", not by root or " + owner->name);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) return make_error(q + ": writable by group or others");
    return {};
}

SupervisorSettings supervisor_settings(const config::Config& cfg) {
    return SupervisorSettings{
        cfg.get(params::daemon_directory), cfg.config_directory(),
        std::chrono::duration_cast<milliseconds>(cfg.get(params::service_throttle_time)),
        static_cast<int>(cfg.get(params::default_process_limit))};
}

void init_logging(const config::Config& cfg, bool foreground) {
    log::Options o;
    o.program = "master";
    o.syslog_name = cfg.get(params::syslog_name);
    o.facility = cfg.get(params::syslog_facility);
    o.file = cfg.get(params::maillog_file);
    o.to_stderr = foreground;
    log::init(o);
}

}  // namespace postern::master
