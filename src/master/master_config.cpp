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

namespace {

// A queue directory another user can write to lets them inject or remove
// mail: refuse it in user instances as well as system ones.
Status check_queue_dir_entry(const std::string& path, uid_t owner_a, uid_t owner_b, mode_t forbidden) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return errno_error(path);
    if (!S_ISDIR(st.st_mode)) return make_error(path + ": not a directory");
    if (st.st_uid != owner_a && st.st_uid != owner_b)
        return make_error(path + ": owned by uid " + std::to_string(st.st_uid) + ", expected uid " +
                          std::to_string(owner_b));
    if ((st.st_mode & forbidden) != 0) return make_error(path + ": writable by group or others");
    return {};
}

}  // namespace

Status check_queue_directory(const config::Config& cfg) {
    const std::string q = cfg.get(params::queue_directory);
    if (q.empty() || q.front() != '/') return make_error("queue_directory " + q + ": not an absolute path");
    uid_t owner = ::getuid();
    if (!cfg.get(params::user_instance)) {
        auto id = lookup_user(cfg.get(params::mail_owner));
        if (!id) return make_error("mail_owner: " + id.error().message);
        owner = id->uid;
    }
    struct stat st {};
    if (::stat(q.c_str(), &st) != 0) return errno_error(q);
    POSTERN_TRY(check_queue_dir_entry(q, 0, owner, S_IWGRP | S_IWOTH));
    // maildrop/ and public/ are group postdrop's by design (postern-ctl setup-system).
    for (const char* sub : {"incoming", "active", "deferred", "hold", "corrupt", "private", "pid"})
        POSTERN_TRY(check_queue_dir_entry(q + "/" + sub, owner, owner, S_IWGRP | S_IWOTH));
    for (const char* sub : {"maildrop", "public"})
        POSTERN_TRY(check_queue_dir_entry(q + "/" + sub, owner, owner, S_IWOTH));
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
