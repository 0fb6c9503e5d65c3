#include "lib/base/identity.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace postern {
namespace {

TEST(IdentityTest, LooksUpRootByNameAndUid) {
    auto by_name = lookup_user("root");
    ASSERT_TRUE(by_name.ok()) << by_name.error().message;
    EXPECT_EQ(by_name->uid, 0u);
    auto by_uid = lookup_uid(0);
    ASSERT_TRUE(by_uid.ok());
    EXPECT_EQ(by_uid->name, "root");
}

TEST(IdentityTest, UnknownUserIsAnErrorNamingIt) {
    auto r = lookup_user("no-such-user-postern-test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "unknown user no-such-user-postern-test");
    auto g = lookup_group("no-such-group-postern-test");
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(g.error().message, "unknown group no-such-group-postern-test");
}

TEST(IdentityTest, CurrentIdentityMatchesGetuid) {
    EXPECT_EQ(current_identity().uid, ::getuid());
}

TEST(IdentityTest, BecomeAsSelfIsANoOpForNonRoot) {
    if (::geteuid() == 0) GTEST_SKIP() << "root: become() would drop privileges";
    EXPECT_TRUE(become(current_identity()).ok());
}

TEST(IdentityTest, NonRootCannotBecomeAnotherUser) {
    if (::geteuid() == 0) GTEST_SKIP() << "needs an unprivileged user";
    Identity other{"root", 0, 0, "/", "/bin/sh"};
    EXPECT_FALSE(become(other).ok());
}

TEST(IdentityTest, RootDropsForGoodInAChild) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    auto nobody = lookup_user("nobody");
    if (!nobody) GTEST_SKIP() << "no user nobody";
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        bool ok = become(*nobody).ok() && ::getuid() == nobody->uid && ::geteuid() == nobody->uid &&
                  ::getgid() == nobody->gid && ::setuid(0) != 0;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace postern
