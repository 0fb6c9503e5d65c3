// What a service process receives: argv, environment, fd 3 and nothing else.
#include <sys/socket.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "master_spawn.hpp"

namespace postern::master {
namespace {

config::ServiceEntry entry(std::string command, std::vector<std::string> args = {}) {
    config::ServiceEntry e;
    e.name = "svc";
    e.command = std::move(command);
    e.args = std::move(args);
    return e;
}

TEST(MasterSpawn, CommandPathIsRelativeToDaemonDirectoryUnlessAbsolute) {
    EXPECT_EQ(command_path("/usr/libexec/postern", "qmgr"), "/usr/libexec/postern/qmgr");
    EXPECT_EQ(command_path("/usr/libexec/postern", "/opt/bin/filter"), "/opt/bin/filter");
}

TEST(MasterSpawn, ArgvCarriesConfigDirectoryThenServiceArgs) {
    auto argv = service_argv(entry("/opt/bin/filter", {"-v", "x"}), "/etc/postern");
    EXPECT_EQ(argv, (std::vector<std::string>{"filter", "-c", "/etc/postern", "-v", "x"}));
}

TEST(MasterSpawn, EnvironmentReplacesInheritedServiceVariables) {
    SpawnRequest r{"/bin/true", {"true"}, 3, "cleanup", false, true};
    std::string keep = "PATH=/bin", stale = "POSTERN_SERVICE=evil", unpriv = "POSTERN_UNPRIV=1";
    char* inherited[] = {keep.data(), stale.data(), unpriv.data(), nullptr};
    auto env = service_environment(r, inherited);
    auto has = [&](const std::string& v) { return std::find(env.begin(), env.end(), v) != env.end(); };
    EXPECT_TRUE(has("PATH=/bin"));
    EXPECT_TRUE(has("POSTERN_SERVICE=cleanup"));
    EXPECT_TRUE(has("POSTERN_UNPRIV=0"));
    EXPECT_TRUE(has("POSTERN_CHROOT=1"));
    EXPECT_FALSE(has("POSTERN_SERVICE=evil"));
    EXPECT_FALSE(has("POSTERN_UNPRIV=1"));
}

TEST(MasterSpawn, ChildGetsTheSocketOnFd3AndNoOtherDescriptor) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    int extra = ::dup(sv[1]);  // not close-on-exec: must still be closed
    // The shell checks, as the service would see them: fd 3 a socket, fd 4 and the
    // extra descriptor gone, the service name set.
    std::string script = "[ -S /proc/self/fd/3 ] && [ ! -e /proc/self/fd/" + std::to_string(extra) +
                         " ] && [ \"$POSTERN_SERVICE\" = svc ] && [ -n \"$POSTERN_MASTER_PID\" ]";
    SpawnRequest r{"/bin/sh", {"sh", "-c", script}, sv[0], "svc", true, false};
    auto pid = spawn_service(r);
    ASSERT_TRUE(pid) << pid.error().message;
    int status = 0;
    ASSERT_EQ(::waitpid(*pid, &status, 0), *pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
    ::close(sv[0]);
    ::close(sv[1]);
    ::close(extra);
}

TEST(MasterSpawn, ExecFailureExits127) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    SpawnRequest r{"/nonexistent/program", {"program"}, sv[0], "svc", true, false};
    auto pid = spawn_service(r);
    ASSERT_TRUE(pid);
    int status = 0;
    ASSERT_EQ(::waitpid(*pid, &status, 0), *pid);
    EXPECT_EQ(WEXITSTATUS(status), 127);
    ::close(sv[0]);
    ::close(sv[1]);
}

}  // namespace
}  // namespace postern::master
