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
#include "migrate/migrate_switch_system.hpp"
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

bool have(const char* tool) { return run_tool({"sh", "-c", std::string("command -v ") + tool}).ok(); }

// Debian: sendmail-bin owns the four paths; switch diverts them with
// dpkg-divert (so a package upgrade cannot overwrite postern's links) and
// rollback removes the diversions, which puts the package's files back.
TEST(Switch, PackageFilesAreDivertedAndRollbackRemovesTheDiversions) {
    if (!have("dpkg-divert")) GTEST_SKIP() << "no dpkg-divert";
    Host h;
    std::ofstream(h.root.path() + "/usr/bin/newaliases") << "newaliases";
    fs::create_directories(h.root.path() + "/var/lib/dpkg/info");
    std::ofstream(h.root.path() + "/var/lib/dpkg/diversions");
    std::ofstream(h.root.path() + "/var/lib/dpkg/info/sendmail-bin.list")
        << "/.\n/usr/sbin/sendmail\n/usr/lib/sendmail\n/usr/bin/mailq\n/usr/bin/newaliases\n";
    auto before = h.all();
    auto done = switch_to_postern(h.options);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(snap(h.root.path() + "/usr/sbin/sendmail").target, "/usr/sbin/postern-sendmail");
    EXPECT_EQ(snap(h.root.path() + "/usr/sbin/sendmail.sendmail").target, "../lib/sm.bin/sendmail");
    auto list = run_tool({"dpkg-divert", "--root", h.root.path(), "--list", "postern"});
    ASSERT_TRUE(list.ok());
    EXPECT_NE(list->find("diversion of /usr/bin/mailq to /usr/bin/mailq.sendmail by postern"), std::string::npos)
        << *list;
    auto back = rollback_switch(h.root.path());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(h.all(), before);
    EXPECT_EQ(run_tool({"dpkg-divert", "--root", h.root.path(), "--list", "postern"}).value(), "");
}

// An alternatives group ("mta", as Fedora has it) that owns /usr/sbin/sendmail:
// postern joins the group and is selected; rollback returns the group to
// what it was (auto mode here) and removes postern from it.
TEST(Switch, AnAlternativesGroupSelectsPosternAndRollbackRestoresIt) {
    if (!have("update-alternatives")) GTEST_SKIP() << "no update-alternatives";
    Host h;
    std::string r = h.root.path();
    fs::remove(r + "/usr/sbin/sendmail");
    fs::create_directories(r + "/etc/alternatives");
    fs::create_directories(r + "/var/lib/dpkg/alternatives");
    std::ofstream(r + "/usr/sbin/postern-sendmail") << "postern";
    std::vector<std::string> ua{"update-alternatives", "--quiet", "--root", r, "--altdir", r + "/etc/alternatives",
                                "--admindir", r + "/var/lib/dpkg/alternatives"};
    auto install = ua;
    install.insert(install.end(), {"--install", "/usr/sbin/sendmail", "mta", "/usr/lib/sm.bin/sendmail", "25"});
    ASSERT_TRUE(run_tool(install).ok());
    auto before = h.all();
    auto done = switch_to_postern(h.options);
    ASSERT_TRUE(done.ok()) << done.error().message;
    EXPECT_EQ(snap(r + "/etc/alternatives/mta").target, "/usr/sbin/postern-sendmail");
    EXPECT_EQ(snap(r + "/usr/sbin/sendmail").target, "/etc/alternatives/mta");
    auto back = rollback_switch(r);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(h.all(), before);
    EXPECT_EQ(snap(r + "/etc/alternatives/mta").target, "/usr/lib/sm.bin/sendmail");
    auto query = ua;
    query.insert(query.end(), {"--query", "mta"});
    auto q = run_tool(query);
    ASSERT_TRUE(q.ok());
    EXPECT_NE(q->find("Status: auto"), std::string::npos) << *q;
    EXPECT_EQ(q->find("postern"), std::string::npos) << *q;
}

}  // namespace
}  // namespace postern::migrate
