// Reading user-controlled files in a child that became their controller.
#include "local_read_as.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/base/safe_file.hpp"
#include "lib/base/unique_fd.hpp"
#include "local_privs.hpp"

namespace postern::local {
namespace {

using Read = Result<std::optional<resolve::FileContent>>;

// Report: 'A' (absent/refused) | 'E' message | 'F' owner '\n' text.
std::string encode(const Read& r) {
    if (!r) return "E" + r.error().message;
    if (!*r) return "A";
    return "F" + std::to_string((*r)->owner) + "\n" + (*r)->text;
}

Read decode(const std::string& s) {
    if (s == "A") return std::optional<resolve::FileContent>{};
    if (!s.empty() && s[0] == 'E') return make_error(s.substr(1));
    auto nl = s.find('\n');
    if (s.empty() || s[0] != 'F' || nl == std::string::npos) return make_error("bad report from file reader");
    resolve::FileContent c;
    c.owner = static_cast<uid_t>(std::strtoul(s.substr(1, nl - 1).c_str(), nullptr, 10));
    c.text = s.substr(nl + 1);
    return std::optional<resolve::FileContent>(std::move(c));
}

Read read_in_child(const std::string& path, const Identity& as, bool allow_root, std::uint64_t max_size,
                   std::chrono::milliseconds timeout) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error("pipe");
    UniqueFd rd(fds[0]), wr(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0) return errno_error("fork");
    if (pid == 0) {
        rd.reset();
        Status st = become(as);
        Read r = st ? resolve::read_file_checked(path, as, allow_root, max_size)
                    : Read(make_error("cannot become " + as.name + ": " + st.error().message));
        ::_exit(write_all(wr.get(), encode(r)) ? 0 : 1);
    }
    wr.reset();
    auto report = read_child_report(rd.get(), static_cast<std::size_t>(max_size) + 64, timeout);
    if (!report) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!report) return report.error();
    return decode(*report);
}

}  // namespace

resolve::FileReader file_reader(bool privileged, std::chrono::milliseconds timeout) {
    return [privileged, timeout](const std::string& path, const Identity& as, bool allow_root,
                                 std::uint64_t max_size) -> Read {
        if (!privileged || as.uid == 0) return resolve::read_file_checked(path, as, allow_root, max_size);
        return read_in_child(path, as, allow_root, max_size, timeout);
    };
}

}  // namespace postern::local
