// postern-ctl setup-system: the plan and its steps.
#include "ctl_setup.hpp"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "ctl.hpp"
#include "ctl_defaults.hpp"
#include "lib/base/identity.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_dir.hpp"

extern char** environ;

namespace postern::ctl {
namespace fs = std::filesystem;
namespace {

constexpr mode_t kQueueRootMode = 0755;
constexpr mode_t kQueueSubdirMode = 0700;
// Group read as well as write+search: postdrop must open maildrop/ to fsync it
// after the rename (doc/DESIGN.md, "Maildrop file modes").
constexpr mode_t kMaildropMode = 01770;
constexpr mode_t kPublicMode = 0710;
constexpr mode_t kPostdropMode = 02755;
constexpr mode_t kConfigDirMode = 0755;
constexpr mode_t kConfigFileMode = 0644;

Status run_command(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (int rc = ::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0)
        return errno_error(args[0], rc);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    return make_error(join(args, " ") + ": failed (status " + std::to_string(status) + ")");
}

std::string nologin_shell() {
    for (const char* s : {"/usr/sbin/nologin", "/sbin/nologin"})
        if (::access(s, X_OK) == 0) return s;
    return "/bin/false";
}

Result<std::pair<uid_t, gid_t>> owner_and_group(const SetupParams& p) {
    auto user = lookup_user(p.mail_owner);
    if (!user) return user.error();
    auto group = lookup_group(p.setgid_group);
    if (!group) return group.error();
    return std::pair<uid_t, gid_t>{user->uid, *group};
}

// Every directory of the queue, subdirectories of subdirectories (deferred/X) included.
Status set_queue_modes(const SetupParams& p) {
    auto ids = owner_and_group(p);
    if (!ids) return ids.error();
    auto [uid, postdrop] = *ids;
    POSTERN_TRY(ensure_dir(p.queue_dir, kQueueRootMode, 0, 0));
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(p.queue_dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_directory(ec) || it->is_symlink(ec)) continue;
        const std::string path = it->path().string();
        const std::string name = it->path().filename().string();
        bool top = it.depth() == 0;
        if (top && name == "maildrop") {
            POSTERN_TRY(ensure_dir(path, kMaildropMode, uid, postdrop));
        } else if (top && name == "public") {
            POSTERN_TRY(ensure_dir(path, kPublicMode, uid, postdrop));
        } else {
            POSTERN_TRY(ensure_dir(path, kQueueSubdirMode, uid, 0));
        }
    }
    if (ec) return make_error(p.queue_dir + ": " + ec.message());
    return {};
}

// chown before chmod: changing the group of a file clears its set-gid bit.
Status set_postdrop_mode(const std::string& path, const std::string& group) {
    auto gid = lookup_group(group);
    if (!gid) return gid.error();
    if (::chown(path.c_str(), 0, *gid) != 0) return errno_error(path + ": chown");
    if (::chmod(path.c_str(), kPostdropMode) != 0) return errno_error(path + ": chmod");
    return {};
}

void plan_identities(const SetupParams& p, std::vector<SetupAction>& plan) {
    if (!lookup_group(p.setgid_group)) {
        std::vector<std::string> cmd{"groupadd", "--system", p.setgid_group};
        plan.push_back({"run: " + join(cmd, " "), [cmd] { return run_command(cmd); }});
    }
    if (!lookup_user(p.mail_owner)) {
        std::vector<std::string> cmd{"useradd", "--system", "--user-group", "--no-create-home",
                                     "--home-dir", p.queue_dir, "--shell", nologin_shell(), p.mail_owner};
        plan.push_back({"run: " + join(cmd, " "), [cmd] { return run_command(cmd); }});
    }
}

void plan_config(const SetupParams& p, std::vector<SetupAction>& plan) {
    plan.push_back({"create " + p.config_dir + "/ (mode 0755)",
                    [d = p.config_dir] { return ensure_dir(d, kConfigDirMode); }});
    std::error_code ec;
    for (auto [name, text] : {std::pair{"main.conf", kDefaultMainConf}, std::pair{"services.conf", kDefaultServicesConf}}) {
        std::string path = p.config_dir + "/" + name;
        if (fs::exists(path, ec)) continue;
        plan.push_back({"write the default " + path, [path, t = text] {
                            return write_file_atomic(path, t, kConfigFileMode);
                        }});
    }
}

}  // namespace

std::vector<SetupAction> plan_setup_system(const SetupParams& p) {
    std::vector<SetupAction> plan;
    plan_identities(p, plan);
    plan_config(p, plan);
    plan.push_back({"create the queue layout in " + p.queue_dir,
                    [q = p.queue_dir] { return queue::QueueDir::create_layout(q); }});
    plan.push_back({"set " + p.queue_dir + " root:root 0755, its subdirectories " + p.mail_owner +
                        ":root 0700, maildrop/ " + p.mail_owner + ":" + p.setgid_group + " 1770, public/ " +
                        p.mail_owner + ":" + p.setgid_group + " 0710",
                    [p] { return set_queue_modes(p); }});
    std::string postdrop = p.command_dir + "/postdrop";
    std::error_code ec;
    if (fs::exists(postdrop, ec))
        plan.push_back({"set " + postdrop + " group " + p.setgid_group + ", mode 2755",
                        [postdrop, g = p.setgid_group] { return set_postdrop_mode(postdrop, g); }});
    else
        plan.push_back({"skip " + postdrop + ": not installed", [] { return Status{}; }});
    return plan;
}

int cmd_setup_system(Invocation& inv) {
    bool dry_run = false;
    for (const auto& a : inv.args) {
        if (a != "--dry-run") return inv.fail(ex::kUsage, "usage: postern-ctl setup-system [--dry-run]");
        dry_run = true;
    }
    // Changing nothing needs no privilege; the real run does.
    if (!dry_run && ::geteuid() != 0) return inv.fail(ex::kNoPerm, "setup-system must be run as root");
    const std::string dir = inv.config_dir();
    std::error_code ec;
    auto cfg = fs::exists(dir + "/main.conf", ec) ? inv.load_config()
                                                  : Result<config::Config>(config::Config::defaults(dir));
    if (!cfg) return inv.fail(ex::kConfig, cfg.error().message);
    namespace params = config::params;
    SetupParams p{dir, cfg->get(params::queue_directory), cfg->get(params::mail_owner),
                  cfg->get(params::setgid_group), cfg->get(params::command_directory)};
    for (auto& action : plan_setup_system(p)) {
        inv.out << (dry_run ? "postern-ctl: would " : "postern-ctl: ") << action.what << "\n";
        if (dry_run) continue;
        if (auto st = action.run(); !st) return inv.fail(ex::kCantCreat, st.error().message);
    }
    return ex::kOk;
}

}  // namespace postern::ctl
