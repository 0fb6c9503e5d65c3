#include "migrate_switch.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "migrate_switch_system.hpp"

namespace postern::migrate {
namespace {

constexpr std::string_view kStateDir = "/var/lib/postern-migrate";
constexpr std::size_t kMaxManifest = 1u << 20;
const char* const kPidFiles[] = {"/run/sendmail/mta/sendmail.pid", "/var/run/sendmail.pid", "/var/run/sendmail/mta/sendmail.pid"};

std::string state(const std::string& root) { return root + std::string(kStateDir); }
std::string manifest_path(const std::string& root) { return state(root) + "/switch.manifest"; }

std::optional<std::string> link_target(const std::string& path) {
    std::string target(4096, '\0');
    ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    return target;
}

Status mkdirs(const std::string& path) {
    std::string so_far;
    for (const auto& part : split_list(path, "/")) {
        so_far += "/" + part;
        if (::mkdir(so_far.c_str(), 0700) != 0 && errno != EEXIST) return errno_error(so_far);
    }
    return {};
}

// A sendmail named by a pid file: SIGTERM, wait up to 10 s.
std::string stop_sendmail(const std::string& root) {
    for (const char* f : kPidFiles) {
        auto text = read_file(root + f, 4096);
        if (!text) continue;
        auto pid = parse_int(trim(split_list(*text, "\n").empty() ? "" : split_list(*text, "\n").front()));
        if (!pid || *pid <= 1) continue;
        auto comm = read_file("/proc/" + std::to_string(*pid) + "/comm", 64);
        if (!comm || comm->rfind("sendmail", 0) != 0) return "sendmail not running (stale " + std::string(f) + ")";
        ::kill(static_cast<pid_t>(*pid), SIGTERM);
        for (int i = 0; i < 100 && ::kill(static_cast<pid_t>(*pid), 0) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return "stopped sendmail (pid " + std::to_string(*pid) + ")";
    }
    return "no sendmail pid file: nothing to stop";
}

Status append_manifest(const std::string& root, const std::string& line, std::string& manifest) {
    manifest += line + "\n";
    return write_file_atomic(manifest_path(root), manifest, 0600);
}

// Move what is at path aside and describe it in the manifest.
Status save_path(const std::string& root, const std::string& rel, std::string& manifest) {
    std::string path = root + rel;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) return errno_error(path);
        return append_manifest(root, "none\t" + rel, manifest);
    }
    if (S_ISLNK(st.st_mode)) {
        auto target = link_target(path);
        if (!target) return errno_error(path);
        POSTERN_TRY(append_manifest(root, "link\t" + rel + "\t" + *target, manifest));
        if (::unlink(path.c_str()) != 0) return errno_error(path);
        return {};
    }
    std::string backup = state(root) + "/backup" + rel;
    POSTERN_TRY(mkdirs(dirname_of(backup)));
    POSTERN_TRY(append_manifest(root, "file\t" + rel + "\t" + backup.substr(root.size()), manifest));
    return rename_durable(path, backup);
}

Status install_link(const std::string& path, const std::string& target) {
    std::string temp = path + ".postern-migrate";
    ::unlink(temp.c_str());
    if (::symlink(target.c_str(), temp.c_str()) != 0) return errno_error(temp);
    return rename_durable(temp, path);
}

// One path through the system's mechanism where it has one; the manifest
// line is written before the change, so an interrupted switch can be
// rolled back. Returns how, or "" when the plain link method applies.
Result<std::string> switch_by_system(const SwitchOptions& o, const std::string& rel, std::string& manifest) {
    if (auto alt = alternative_of(o.root, rel)) {
        POSTERN_TRY(append_manifest(o.root, "alt\t" + rel + "\t" + alt->name + "\t" + alt->value + "\t" +
                                                (alt->automatic ? "auto" : "manual"), manifest));
        POSTERN_TRY(select_postern(o.root, *alt, o.postern_sendmail));
        return "update-alternatives " + alt->name;
    }
    if (link_target(o.root + rel) != o.postern_sendmail && package_owned(o.root, rel)) {
        std::string diverted = rel + ".sendmail";
        POSTERN_TRY(append_manifest(o.root, "divert\t" + rel + "\t" + diverted, manifest));
        POSTERN_TRY(divert(o.root, rel, diverted));
        POSTERN_TRY(install_link(o.root + rel, o.postern_sendmail));
        return "dpkg-divert to " + diverted;
    }
    return std::string{};
}

// Undo one alt/divert manifest line.
Status rollback_by_system(const std::string& root, const std::vector<std::string>& f, const std::string& ours) {
    std::string path = root + f[1];
    if (f[0] == "alt" && f.size() == 5) {
        Alternative alt{f[2], f[1], f[3], f[4] == "auto"};
        return restore_alternative(root, alt, ours);
    }
    if (f[0] == "divert" && f.size() == 3) {
        if (link_target(path) == ours && ::unlink(path.c_str()) != 0) return errno_error(path);
        return undivert(root, f[1]);
    }
    return make_error("bad manifest line: " + join(f, " "));
}

}  // namespace

Result<std::vector<std::string>> switch_to_postern(const SwitchOptions& o) {
    if (::access(manifest_path(o.root).c_str(), F_OK) == 0)
        return make_error(manifest_path(o.root) + ": already switched; run rollback first");
    POSTERN_TRY(mkdirs(state(o.root)));
    std::vector<std::string> done{stop_sendmail(o.root)};
    std::string manifest;
    POSTERN_TRY(append_manifest(o.root, "postern\t" + o.postern_sendmail, manifest));
    for (const auto& rel : o.paths) {
        POSTERN_TRY(mkdirs(dirname_of(o.root + rel)));
        auto system = switch_by_system(o, rel, manifest);
        if (!system) return system.error();
        if (!system->empty()) {
            done.push_back(rel + " -> " + o.postern_sendmail + " (" + *system + ")");
            continue;
        }
        POSTERN_TRY(save_path(o.root, rel, manifest));
        POSTERN_TRY(install_link(o.root + rel, o.postern_sendmail));
        done.push_back(rel + " -> " + o.postern_sendmail);
    }
    done.push_back("manifest: " + manifest_path(o.root));
    return done;
}

Result<std::vector<std::string>> rollback_switch(const std::string& root) {
    auto text = read_file(manifest_path(root), kMaxManifest);
    if (!text) return make_error(text.error().message + " (nothing to roll back)");
    auto lines = split_list(*text, "\n");
    std::string ours = lines.empty() ? std::string{} : split_list(lines.front(), "\t").back();
    std::vector<std::string> done;
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        auto f = split_list(*it, "\t");
        if (f.size() < 2 || f[0] == "postern") continue;
        std::string path = root + f[1];
        if (f[0] == "alt" || f[0] == "divert") {
            POSTERN_TRY(rollback_by_system(root, f, ours));
            done.push_back("restored " + f[1] + " (" + (f[0] == "alt" ? "update-alternatives" : "dpkg-divert") + ")");
            continue;
        }
        // Only postern's own link is removed: anything else there was put
        // back by an earlier, interrupted rollback or by the admin.
        if (link_target(path) == ours) {
            if (::unlink(path.c_str()) != 0) return errno_error(path);
        } else if (::access(path.c_str(), F_OK) == 0 || link_target(path)) {
            done.push_back("left " + f[1] + " alone: it is no longer postern's link");
            continue;
        }
        if (f[0] == "link" && f.size() == 3) {
            POSTERN_TRY(install_link(path, f[2]));
        } else if (f[0] == "file" && f.size() == 3) {
            POSTERN_TRY(rename_durable(root + f[2], path));
        } else if (f[0] != "none") {
            return make_error(manifest_path(root) + ": bad line: " + *it);
        }
        done.push_back("restored " + f[1]);
    }
    if (::unlink(manifest_path(root).c_str()) != 0) return errno_error(manifest_path(root));
    done.push_back("start sendmail again with the system's service manager");
    return done;
}

}  // namespace postern::migrate
