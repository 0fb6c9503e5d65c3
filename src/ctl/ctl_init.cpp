// postern-ctl init: write a user instance's files and directories.
#include "ctl_init.hpp"

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <system_error>

#include "ctl.hpp"
#include "ctl_defaults.hpp"
#include "lib/base/identity.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_dir.hpp"

namespace postern::ctl {
namespace fs = std::filesystem;
namespace {

constexpr mode_t kDirMode = 0755;
constexpr mode_t kPrivateDirMode = 0700;
constexpr mode_t kFileMode = 0644;
constexpr int kMaxPort = 65535;
constexpr const char* kTestUsers[] = {"postmaster", "alice", "bob"};

struct InitArgs {
    std::string dir;
    bool user_instance = false;
    bool force = false;
    int port = kDefaultSmtpPort;
};

Result<InitArgs> parse_init_args(const std::vector<std::string>& args) {
    InitArgs a;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--user-instance") {
            a.user_instance = true;
        } else if (args[i] == "--force") {
            a.force = true;
        } else if (args[i] == "--port" && i + 1 < args.size()) {
            auto port = parse_int(args[++i]);
            if (!port || *port < 1 || *port > kMaxPort) return make_error("init: bad port \"" + args[i] + "\"");
            a.port = static_cast<int>(*port);
        } else if (a.dir.empty() && !args[i].empty() && args[i].front() != '-') {
            a.dir = args[i];
        } else {
            return make_error("usage: postern-ctl init DIR --user-instance [--port N] [--force]");
        }
    }
    if (a.dir.empty()) return make_error("usage: postern-ctl init DIR --user-instance [--port N] [--force]");
    if (!a.user_instance)
        return make_error("init creates user instances (--user-instance); a system instance is set up with setup-system");
    return a;
}

std::string group_name(gid_t gid) {
    char buf[4096];
    struct group gr {};
    struct group* found = nullptr;
    if (getgrgid_r(gid, &gr, buf, sizeof buf, &found) == 0 && found != nullptr) return gr.gr_name;
    return std::to_string(gid);
}

// An existing DIR is taken only when empty, or with --force.
Result<std::string> make_instance_dir(const InitArgs& a) {
    std::error_code ec;
    if (fs::exists(a.dir, ec)) {
        if (!fs::is_directory(a.dir, ec)) return make_error(a.dir + ": exists and is not a directory");
        if (!a.force && !fs::is_empty(a.dir, ec))
            return make_error(a.dir + ": directory exists and is not empty (use --force to write into it)");
    } else if (!fs::create_directories(a.dir, ec)) {
        return make_error(a.dir + ": " + ec.message());
    }
    auto abs = fs::canonical(a.dir, ec);
    if (ec) return make_error(a.dir + ": " + ec.message());
    return abs.string();
}

class Creator {
public:
    explicit Creator(std::ostream& out) : out_(out) {}
    Status file(const std::string& path, std::string_view text) {
        POSTERN_TRY(write_file_atomic(path, text, kFileMode));
        out_ << "postern-ctl: created " << path << "\n";
        return {};
    }
    Status dir(const std::string& path, mode_t mode) {
        std::error_code ec;
        fs::create_directories(path, ec);
        if (ec) return make_error(path + ": " + ec.message());
        POSTERN_TRY(ensure_dir(path, mode));
        out_ << "postern-ctl: created " << path << "/\n";
        return {};
    }

private:
    std::ostream& out_;
};

Status create_instance(const UserInstance& u, std::ostream& out) {
    Creator c(out);
    POSTERN_TRY(c.file(u.dir + "/main.conf", user_main_conf(u)));
    POSTERN_TRY(c.file(u.dir + "/services.conf", user_services_conf(u)));
    POSTERN_TRY(c.file(u.dir + "/aliases", user_aliases()));
    POSTERN_TRY(queue::QueueDir::create_layout(u.dir + "/queue"));
    out << "postern-ctl: created " << u.dir << "/queue/ (the queue layout)\n";
    POSTERN_TRY(c.dir(u.dir + "/log", kDirMode));
    POSTERN_TRY(c.dir(u.dir + "/data", kPrivateDirMode));
    std::vector<std::string> users(std::begin(kTestUsers), std::end(kTestUsers));
    if (std::find(users.begin(), users.end(), u.user) == users.end()) users.push_back(u.user);
    for (const auto& name : users)
        for (const char* sub : {"tmp", "new", "cur"})
            POSTERN_TRY(c.dir(u.dir + "/mail/" + name + "/" + sub, kPrivateDirMode));
    return {};
}

}  // namespace

std::string self_directory() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(POSTERN_DAEMON_DIR) : exe.parent_path().string();
}

std::string user_main_conf(const UserInstance& u) {
    const std::string& d = u.dir;
    return "# main.conf of a postern user instance, written by \"postern-ctl init\".\n"
           "# Every service runs as " + u.user + ", without privilege changes, from the\n"
           "# programs in " + u.program_dir + ".\n"
           "user_instance = yes\n"
           "queue_directory = " + d + "/queue\n"
           "data_directory = " + d + "/data\n"
           "daemon_directory = " + u.program_dir + "\n"
           "command_directory = " + u.program_dir + "\n"
           "mail_owner = " + u.user + "\n"
           "setgid_group = " + u.group + "\n"
           "# myhostname is \"localhost\" so that mail to NAME@localhost is delivered\n"
           "# here whatever this machine is called, and the instance does not depend\n"
           "# on the host's name or DNS.\n"
           "myhostname = localhost\n"
           "mydestination = $myhostname, localhost.localdomain\n"
           "alias_maps = texthash:$config_directory/aliases\n"
           "# A local user is a name with a Maildir here: " + d + "/mail/NAME/\n"
           "mail_spool_directory = " + d + "/mail\n"
           "mailbox_format = maildir\n"
           "maillog_file = " + d + "/log/maillog\n"
           "# master pre-forks every pool; a small instance needs few processes.\n"
           "default_process_limit = 10\n"
           "# smtpd listens on 127.0.0.1:" + std::to_string(u.port) + " (default " +
           std::to_string(kDefaultSmtpPort) + "); see services.conf.\n";
}

std::string user_services_conf(const UserInstance& u) {
    std::string line = "127.0.0.1:" + std::to_string(u.port) + " inet n y n 2 smtpd\n";
    std::string text(kDefaultServicesConf);
    text += "\n# This instance's SMTP server";
    text += u.smtpd ? ":\n" + line : " (enable it once smtpd is built):\n#" + line;
    return text;
}

std::string user_aliases() {
    return "# aliases(5) of this postern user instance: NAME: target, ...\n"
           "MAILER-DAEMON: postmaster\n"
           "abuse: postmaster\n"
           "root: postmaster\n";
}

int cmd_init(Invocation& inv) {
    auto args = parse_init_args(inv.args);
    if (!args) return inv.fail(ex::kUsage, args.error().message);
    auto dir = make_instance_dir(*args);
    if (!dir) return inv.fail(ex::kCantCreat, dir.error().message);
    Identity me = current_identity();
    UserInstance u{*dir, self_directory(), me.name, group_name(me.gid), args->port, false};
    std::error_code ec;
    u.smtpd = fs::exists(u.program_dir + "/smtpd", ec);
    if (auto st = create_instance(u, inv.out); !st) return inv.fail(ex::kCantCreat, st.error().message);
    inv.out << "postern-ctl: start it with: postern-ctl -c " << u.dir << " start\n";
    return ex::kOk;
}

}  // namespace postern::ctl
