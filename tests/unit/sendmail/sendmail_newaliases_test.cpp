// newaliases: builds hash: alias databases as sendmail does.
#include "sendmail_newaliases.hpp"

#include <sys/stat.h>

#include <fstream>
#include <map>

#include <gtest/gtest.h>
#include "tests/unit/common/stdio_capture.hpp"

#include "lib/base/sysexits.hpp"
#include "maps/alias_source.hpp"
#include "maps/registry.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::sendmail {
namespace {

using postern::testing::TempDir;

std::string read_all(std::FILE* f) { return postern::testing::read_and_close(f); }

TEST(Newaliases, BuildsHashWithNulsAndSentinel) {
    TempDir d;
    std::ofstream(d.file("aliases")) << "# test\nPostmaster: root\nmailer-daemon: postmaster\n"
                                        "staff: alice,\n  bob\nbot: \"|/usr/bin/bot a,b\"\n";
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    ASSERT_EQ(rebuild_aliases({"hash:" + d.file("aliases")}, "newaliases", out, err), ex::kOk);
    EXPECT_EQ(read_all(err), "");
    EXPECT_NE(read_all(out).find("4 aliases"), std::string::npos);
    // Raw entries: keys and values carry a trailing NUL, "@" marks completion.
    const maps::MapType* hash = maps::find_type("hash");
    auto raw = hash->dump(d.file("aliases"));
    ASSERT_TRUE(raw.ok());
    std::map<std::string, std::string> got;
    for (const auto& e : *raw) got[e.key] = e.value;
    EXPECT_EQ(got[std::string("@\0", 2)], std::string("@\0", 2));
    EXPECT_EQ(got[std::string("staff\0", 6)], std::string("alice, bob\0", 11));
    EXPECT_EQ(got[std::string("postmaster\0", 11)], std::string("root\0", 5));
    struct stat st {};
    ASSERT_EQ(::stat(d.file("aliases.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u);
    // local reads it back through maps/ with the quoting intact.
    resolve::AliasMaps maps = resolve::load_alias_maps({"hash:" + d.file("aliases")}, 1 << 20, 4096,
                                                       maps::alias_opener(maps::MapOptions{}));
    ASSERT_FALSE(maps.error.has_value());
    auto bot = maps.lookup("bot");
    ASSERT_TRUE(bot.ok() && bot->has_value());
    EXPECT_EQ((*bot)->targets, std::vector<std::string>{"|/usr/bin/bot a,b"});
}

TEST(Newaliases, WarnsAboutMissingPostmasterAndDuplicates) {
    TempDir d;
    std::ofstream(d.file("aliases")) << "a: x\na: y\n";
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    ASSERT_EQ(rebuild_aliases({"hash:" + d.file("aliases")}, "newaliases", out, err), ex::kOk);
    std::string e = read_all(err);
    EXPECT_NE(e.find(d.file("aliases") + ":2: duplicate alias a"), std::string::npos);
    EXPECT_NE(e.find("no alias for postmaster"), std::string::npos);
    EXPECT_NE(e.find("no alias for MAILER-DAEMON"), std::string::npos);
    (void)read_all(out);
}

TEST(Newaliases, ValueQuoting) {
    EXPECT_EQ(alias_value({"alice", "|/bin/x a", ":include:/l", "\"a b\"@x"}),
              "alice, \"|/bin/x a\", :include:/l, \"a b\"@x");
}

}  // namespace
}  // namespace postern::sendmail
