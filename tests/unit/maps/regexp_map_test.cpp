// regexp: tables.
#include <gtest/gtest.h>

#include "maps/registry.hpp"
#include "maps_test_util.hpp"

namespace postern::maps {
namespace {

using test::TempDir;

TEST(RegexpMap, FirstMatchingRuleWinsWithSubstitutions) {
    TempDir dir;
    std::string path = dir.write("re",
                                 "# sample\n"
                                 "/^(.*)-owner@(.*)$/   owner-$1@$2\n"
                                 "!/@example\\.com$/    REJECT not ours\n"
                                 "/^postmaster@/       root ${1}x\n"
                                 "/./                  $$literal\n");
    // ${1} in the third rule needs a group: the file must not open.
    EXPECT_FALSE(open_map("regexp:" + path).ok());
    path = dir.write("re2",
                     "/^(.*)-owner@(.*)$/   owner-$1@$2\n"
                     "!/@example\\.com$/    REJECT not ours\n"
                     "/^(post)master@/     ${1}x\n"
                     "/./                  $$literal\n");
    auto map = open_map("regexp:" + path);
    ASSERT_TRUE(map.ok()) << map.error().message;
    struct Case { const char* label; const char* key; const char* want; };
    const Case cases[] = {
        {"groups", "list-owner@Example.com", "owner-list@Example.com"},
        {"negated", "a@other.org", "REJECT not ours"},
        {"braced group, case-insensitive", "PostMaster@example.com", "Postx"},
        {"dollar escape", "x@example.com", "$literal"},
    };
    for (const Case& c : cases) {
        Lookup r = (*map)->lookup(c.key);
        ASSERT_TRUE(r.is_found()) << c.label;
        EXPECT_EQ(r.value(), c.want) << c.label;
    }
    EXPECT_TRUE((*map)->lookup("@example.com").is_found());
}

TEST(RegexpMap, IfEndifBlocksGuardTheirRules) {
    TempDir dir;
    std::string path = dir.write("re", "if /@example\\.com$/\n/^a@/ inside\nendif\n/^a@/ outside\n");
    auto map = open_map("regexp:" + path);
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ((*map)->lookup("a@example.com").value(), "inside");
    EXPECT_EQ((*map)->lookup("a@example.org").value(), "outside");
    EXPECT_TRUE((*map)->lookup("b@example.org").is_not_found());
}

TEST(RegexpMap, CaseFlagTogglesInsensitivity) {
    TempDir dir;
    auto map = open_map("regexp:" + dir.write("re", "/^ABC$/i exact\n"));
    ASSERT_TRUE(map.ok());
    EXPECT_TRUE((*map)->lookup("abc").is_not_found());
    EXPECT_TRUE((*map)->lookup("ABC").is_found());
}

TEST(RegexpMap, BadFilesNameFileAndLine) {
    TempDir dir;
    struct Case { const char* label; const char* text; const char* want; };
    const Case cases[] = {
        {"does not compile", "/ok/ x\n/a(b/ y\n", ":2: pattern /a(b/ does not compile"},
        {"unknown flag", "/a/q x\n", ":1: unknown regexp flag"},
        {"unterminated", "/abc x\n", ":1: unterminated pattern"},
        {"missing result", "/abc/\n", ":1: missing result"},
        {"endif without if", "endif\n", ":1: endif without if"},
        {"group out of range", "/a(b)/ $2\n", ":1: $2 refers to a group"},
    };
    for (const Case& c : cases) {
        std::string path = dir.write("bad", c.text);
        auto map = open_map("regexp:" + path);
        ASSERT_FALSE(map.ok()) << c.label;
        EXPECT_NE(map.error().message.find(path + c.want), std::string::npos) << c.label << ": " << map.error().message;
    }
    EXPECT_FALSE(open_map("regexp:" + dir.write("unclosed", "if /a/\n/b/ c\n")).ok());
}

}  // namespace
}  // namespace postern::maps
