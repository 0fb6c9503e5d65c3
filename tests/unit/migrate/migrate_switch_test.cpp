// switch then rollback in a scratch root restores every path exactly:
// symlinks with their targets, files with their inode, mode and bytes, and
// paths that did not exist are gone again.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "migrate/migrate_switch.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::migrate {
namespace {

namespace fs = std::filesystem;

struct Snapshot {
    bool exists = false;
    bool link = false;
    std::string target;
    ino_t inode = 0;
    mode_t mode = 0;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snap(const std::string& path) {
    Snapshot s;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return s;
    s.exists = true;
    s.link = S_ISLNK(st.st_mode);
    s.inode = S_ISLNK(st.st_mode) ? 0 : st.st_ino;  // a restored link is a new one
    s.mode = st.st_mode;
    if (s.link) s.target = fs::read_symlink(path).string();
    return s;
}

struct Host {
    testing::TempDir root;
    SwitchOptions options;
    Host() {
        fs::create_directories(root.path() + "/usr/sbin");
        fs::create_directories(root.path() + "/usr/lib/sm.bin");
        fs::create_directories(root.path() + "/usr/bin");
        std::ofstream(root.path() + "/usr/lib/sm.bin/sendmail") << "real sendmail";
        fs::create_symlink("../lib/sm.bin/sendmail", root.path() + "/usr/sbin/sendmail");
        fs::create_symlink("../sbin/sendmail", root.path() + "/usr/lib/sendmail");
        std::ofstream(root.path() + "/usr/bin/mailq") << "#!/bin/sh\nexec sendmail -bp\n";
        ::chmod((root.path() + "/usr/bin/mailq").c_str(), 0751);
        options.root = root.path();
        options.postern_sendmail = "/usr/sbin/postern-sendmail";
    }
    std::map<std::string, Snapshot> all() {
        std::map<std::string, Snapshot> m;
        for (const auto& p : options.paths) m[p] = snap(root.path() + p);
        return m;
    }
};

TEST(Switch, LinksEveryCommandToPosternAndRollbackRestoresEveryFile) {
    Host h;
    auto before = h.all();
    auto done = switch_to_postern(h.options);
    ASSERT_TRUE(done.ok()) << done.error().message;
    for (const auto& p : h.options.paths) {
        auto s = snap(h.root.path() + p);
        EXPECT_TRUE(s.link) << p;
        EXPECT_EQ(s.target, "/usr/sbin/postern-sendmail") << p;
    }
    auto back = rollback_switch(h.root.path());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(h.all(), before);
    EXPECT_FALSE(fs::exists(h.root.path() + "/var/lib/postern-migrate/switch.manifest"));
}

TEST(Switch, ASecondSwitchIsRefusedUntilRollback) {
    Host h;
    ASSERT_TRUE(switch_to_postern(h.options).ok());
    auto again = switch_to_postern(h.options);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("already switched"), std::string::npos);
    ASSERT_TRUE(rollback_switch(h.root.path()).ok());
    EXPECT_TRUE(switch_to_postern(h.options).ok());
}

TEST(Switch, RollbackWithoutSwitchIsAnError) {
    Host h;
    auto r = rollback_switch(h.root.path());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("nothing to roll back"), std::string::npos);
}

TEST(Switch, RollbackLeavesAPathTheAdminChangedAlone) {
    Host h;
    ASSERT_TRUE(switch_to_postern(h.options).ok());
    std::string path = h.root.path() + "/usr/bin/newaliases";
    fs::remove(path);
    std::ofstream(path) << "admin's own";
    auto r = rollback_switch(h.root.path());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(fs::is_regular_file(path));
    EXPECT_EQ(snap(h.root.path() + "/usr/sbin/sendmail").target, "../lib/sm.bin/sendmail");
}

}  // namespace
}  // namespace postern::migrate
