// See the header.
#include "postdrop_config_dir.hpp"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "lib/config/config.hpp"

namespace postern::postdrop {
namespace {

std::string without_trailing_slash(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
}

// Owned by root; not writable by group or others, unless (for a directory
// above the configuration) the sticky bit keeps others from renaming it.
bool root_only(const struct stat& st, bool sticky_ok) {
    if (st.st_uid != 0) return false;
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) == 0) return true;
    return sticky_ok && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
}

}  // namespace

bool root_controlled_config(const std::string& dir) {
    char resolved[PATH_MAX];
    if (::realpath(dir.c_str(), resolved) == nullptr) return false;
    std::string path = resolved;
    struct stat st {};
    std::string file = path + "/main.conf";
    if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || !root_only(st, false)) return false;
    if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || !root_only(st, false)) return false;
    while (path.size() > 1) {
        path.resize(std::max<std::size_t>(path.rfind('/'), 1));
        if (::lstat(path.c_str(), &st) != 0 || !root_only(st, true)) return false;
    }
    return true;
}

Status check_config_dir(const std::string& requested, const ConfigDirCheck& check) {
    if (!check.setgid || check.root) return {};
    std::string dir = without_trailing_slash(requested);
    if (dir == without_trailing_slash(check.default_dir)) return {};
    if (check.root_controlled && check.root_controlled(dir)) return {};
    auto listed = check.alternates ? check.alternates() : Result<std::vector<std::string>>(std::vector<std::string>{});
    if (!listed)
        return make_error("configuration directory " + dir + " refused: cannot read the default configuration: " +
                          listed.error().message);
    bool ok = std::any_of(listed->begin(), listed->end(),
                          [&](const std::string& d) { return without_trailing_slash(d) == dir; });
    if (ok) return {};
    return make_error("configuration directory " + dir + " refused: not listed in alternate_config_directories of " +
                      check.default_dir + "/main.conf");
}

ConfigDirCheck process_config_dir_check() {
    ConfigDirCheck c;
    c.setgid = ::getgid() != ::getegid();
    c.root = ::getuid() == 0;
    c.default_dir = config::default_config_dir();
    c.root_controlled = root_controlled_config;
    c.alternates = [dir = c.default_dir]() -> Result<std::vector<std::string>> {
        auto cfg = config::Config::load(dir);
        if (!cfg) return cfg.error();
        return cfg->get(config::params::alternate_config_directories);
    };
    return c;
}

}  // namespace postern::postdrop
