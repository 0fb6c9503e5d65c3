// Which configuration directory the set-gid postdrop honours (Postfix's
// alternate_config_directories rule), case by case.
#include "postdrop_config_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "tests/unit/common/temp_dir.hpp"

namespace postern::postdrop {
namespace {

struct Case {
    const char* label;
    bool setgid;
    bool root;
    std::string requested;
    std::vector<std::string> alternates;
    bool want_ok;
};

TEST(PostdropConfigDir, AlternateDirectoriesRule) {
    const Case cases[] = {
        {"not set-gid: anything goes", false, false, "/home/eve/conf", {}, true},
        {"root: anything goes", true, true, "/home/eve/conf", {}, true},
        {"set-gid, default dir", true, false, "/etc/postern", {}, true},
        {"set-gid, default dir with slash", true, false, "/etc/postern/", {}, true},
        {"set-gid, unlisted dir", true, false, "/home/eve/conf", {}, false},
        {"set-gid, listed dir", true, false, "/etc/postern-b", {"/etc/postern-a", "/etc/postern-b/"}, true},
        {"set-gid, prefix of a listed dir is not it", true, false, "/etc/postern-", {"/etc/postern-b"}, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        ConfigDirCheck check;
        check.setgid = c.setgid;
        check.root = c.root;
        check.default_dir = "/etc/postern";
        int asked = 0;
        check.alternates = [&]() -> Result<std::vector<std::string>> {
            ++asked;
            return c.alternates;
        };
        auto st = check_config_dir(c.requested, check);
        EXPECT_EQ(st.ok(), c.want_ok) << (st.ok() ? "" : st.error().message);
        if (!c.want_ok) {
            EXPECT_NE(st.error().message.find("alternate_config_directories"), std::string::npos);
        }
        if (!c.setgid || c.root) {
            EXPECT_EQ(asked, 0);  // the default config is not even read
        }
    }
}

TEST(PostdropConfigDir, RootControlledDirectoryIsAccepted) {
    ConfigDirCheck check;
    check.setgid = true;
    check.default_dir = "/etc/postern";
    check.alternates = []() -> Result<std::vector<std::string>> { return std::vector<std::string>{}; };
    check.root_controlled = [](const std::string& d) { return d == "/srv/postern-b"; };
    EXPECT_TRUE(check_config_dir("/srv/postern-b/", check).ok());
    EXPECT_FALSE(check_config_dir("/home/eve/conf", check).ok());
}

TEST(PostdropConfigDir, RootControlledOnTheFileSystem) {
    EXPECT_FALSE(root_controlled_config("/nonexistent/postern"));
    postern::testing::TempDir d;
    ASSERT_EQ(::chmod(d.path().c_str(), 0755), 0);
    std::FILE* f = std::fopen(d.file("main.conf").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
    ASSERT_EQ(::chmod(d.file("main.conf").c_str(), 0644), 0);
    // Only root owns files that count; anyone else's directory never does.
    EXPECT_EQ(root_controlled_config(d.path()), ::geteuid() == 0);
    ASSERT_EQ(::chmod(d.file("main.conf").c_str(), 0664), 0);
    EXPECT_FALSE(root_controlled_config(d.path()));
}

TEST(PostdropConfigDir, UnreadableDefaultConfigRefuses) {
    ConfigDirCheck check;
    check.setgid = true;
    check.default_dir = "/etc/postern";
    check.alternates = []() -> Result<std::vector<std::string>> { return make_error("no main.conf"); };
    auto st = check_config_dir("/elsewhere", check);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("no main.conf"), std::string::npos);
}

}  // namespace
}  // namespace postern::postdrop
