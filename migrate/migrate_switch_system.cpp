// update-alternatives and dpkg-divert, run without a shell.
#include "migrate_switch_system.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"

namespace postern::migrate {
namespace {

constexpr std::size_t kMaxOutput = 1u << 20;
constexpr std::size_t kMaxList = 16u << 20;
constexpr std::string_view kAltDir = "/etc/alternatives/";

std::vector<std::string> alternatives_cmd(const std::string& root) {
    std::vector<std::string> cmd{"update-alternatives", "--quiet"};
    if (!root.empty())
        cmd.insert(cmd.end(), {"--root", root, "--altdir", root + "/etc/alternatives", "--admindir",
                               root + "/var/lib/dpkg/alternatives"});
    return cmd;
}

std::vector<std::string> divert_cmd(const std::string& root) {
    std::vector<std::string> cmd{"dpkg-divert", "--package", "postern", "--rename"};
    if (!root.empty()) cmd.insert(cmd.end(), {"--root", root});
    return cmd;
}

std::vector<std::string> with(std::vector<std::string> cmd, std::initializer_list<std::string> more) {
    cmd.insert(cmd.end(), more);
    return cmd;
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && out.size() < kMaxOutput) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

}  // namespace

Result<std::string> run_tool(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("pipe");
    pid_t pid = ::fork();
    if (pid < 0) return errno_error("fork");
    if (pid == 0) {
        ::dup2(fds[1], 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string out = read_all(fds[0]);
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return make_error(join(argv, " ") + ": failed (status " + std::to_string(WEXITSTATUS(status)) + ")");
    return out;
}

std::optional<Alternative> alternative_of(const std::string& root, const std::string& rel) {
    std::string target(4096, '\0');
    ssize_t n = ::readlink((root + rel).c_str(), target.data(), target.size());
    if (n <= 0) return std::nullopt;
    target.resize(static_cast<std::size_t>(n));
    if (target.rfind(kAltDir, 0) != 0) return std::nullopt;
    Alternative alt;
    alt.name = target.substr(kAltDir.size());
    auto query = run_tool(with(alternatives_cmd(root), {"--query", alt.name}));
    if (!query) return std::nullopt;
    for (const auto& line : split_list(*query, "\n")) {
        auto colon = line.find(": ");
        if (colon == std::string::npos || line[0] == ' ') continue;
        std::string field = line.substr(0, colon), value(trim(line.substr(colon + 2)));
        if (field == "Link") alt.link = value;
        else if (field == "Value") alt.value = value;
        else if (field == "Status") alt.automatic = value == "auto";
    }
    if (alt.link != rel || alt.value.empty()) return std::nullopt;  // a slave link, or nothing selected
    return alt;
}

// Priority 1: postern is chosen by --set, never by auto mode on its own.
Status select_postern(const std::string& root, const Alternative& alt, const std::string& postern) {
    POSTERN_TRY(run_tool(with(alternatives_cmd(root), {"--install", alt.link, alt.name, postern, "1"})));
    POSTERN_TRY(run_tool(with(alternatives_cmd(root), {"--set", alt.name, postern})));
    return {};
}

Status restore_alternative(const std::string& root, const Alternative& alt, const std::string& postern) {
    if (alt.automatic) POSTERN_TRY(run_tool(with(alternatives_cmd(root), {"--auto", alt.name})));
    else POSTERN_TRY(run_tool(with(alternatives_cmd(root), {"--set", alt.name, alt.value})));
    POSTERN_TRY(run_tool(with(alternatives_cmd(root), {"--remove", alt.name, postern})));
    return {};
}

bool package_owned(const std::string& root, const std::string& rel) {
    std::string info = root + "/var/lib/dpkg/info";
    DIR* d = ::opendir(info.c_str());
    if (d == nullptr) return false;
    bool owned = false;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (!name.ends_with(".list")) continue;
        auto text = read_file(info + "/" + name, kMaxList);
        if (text && ("\n" + *text).find("\n" + rel + "\n") != std::string::npos) {
            owned = true;
            break;
        }
    }
    ::closedir(d);
    return owned;
}

Status divert(const std::string& root, const std::string& rel, const std::string& diverted) {
    POSTERN_TRY(run_tool(with(divert_cmd(root), {"--divert", diverted, "--add", rel})));
    return {};
}

Status undivert(const std::string& root, const std::string& rel) {
    POSTERN_TRY(run_tool(with(divert_cmd(root), {"--remove", rel})));
    return {};
}

}  // namespace postern::migrate
