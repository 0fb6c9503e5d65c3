// Alias file parsing and recipient expansion.
#include "local_alias.hpp"

#include <gtest/gtest.h>

#include "local_test_util.hpp"

namespace postern::local {
namespace {

using testing::TempDir;

struct ParseCase {
    const char* label;
    const char* text;
    const char* name;                       // looked up after parsing
    std::vector<std::string> want_targets;  // empty: name must be absent
    std::vector<std::string> want_warnings;
};

const ParseCase kParseCases[] = {
    {"simple", "root: alice\n", "root", {"alice"}, {}},
    {"several targets", "staff: alice, bob,carol\n", "staff", {"alice", "bob", "carol"}, {}},
    {"continuation lines", "staff: alice,\n  bob,\n\tcarol\n", "staff", {"alice", "bob", "carol"}, {}},
    {"comment inside continuation", "staff: alice,\n  # bob left\n  carol\n", "staff", {"alice", "carol"}, {}},
    {"comments and blank lines", "# head\n\nroot: alice\n\n# tail\n", "root", {"alice"}, {}},
    {"name is case-insensitive", "PostMaster: alice\n", "postmaster", {"alice"}, {}},
    {"crlf line ends", "root: alice\r\n", "root", {"alice"}, {}},
    {"quoted command keeps its comma", "bot: \"|/bin/prog a,b\", alice\n", "bot", {"|/bin/prog a,b", "alice"}, {}},
    {"quoted name", "\"sales team\": bob\n", "sales team", {"bob"}, {}},
    {"include target", "list: :include:/etc/list\n", "list", {":include:/etc/list"}, {}},
    {"duplicate: last wins", "a: x\na: y\n", "a", {"y"}, {"al:2: duplicate alias a (first at line 1), the last one wins"}},
    {"missing colon", "root alice\nok: bob\n", "ok", {"bob"}, {"al:1: missing ':' in alias entry"}},
    {"empty name", ": bob\n", "", {}, {"al:1: empty alias name"}},
    {"no targets", "a:\nb: x\n", "a", {}, {"al:1: no targets"}},
    {"continuation without entry", "  bob\nc: x\n", "c", {"x"}, {"al:1: continuation line without an entry"}},
    {"unterminated quote", "a: \"|prog\nb: x\n", "a", {}, {"al:1: unterminated quote"}},
    {"backslash continuation", "staff: alice, \\\nbob\n", "staff", {"alice", "bob"}, {}},
    {"quoted local part target", "a: \"first last\"@example.org\n", "a", {"\"first last\"@example.org"}, {}},
    {"error target", "gone: error:5.1.1:550 moved\n", "gone", {"error:5.1.1:550 moved"}, {}},
    {"owner and request names", "owner-list: bob\nlist-request: bob\n", "list-request", {"bob"}, {}},
    {"bad line number after continuation", "a: x,\n  y\nbogus\n", "a", {"x", "y"},
     {"al:3: missing ':' in alias entry"}},
};

TEST(AliasParse, Table) {
    for (const auto& c : kParseCases) {
        SCOPED_TRACE(c.label);
        auto r = parse_aliases(c.text, "al", 4096);
        const AliasEntry* e = r.table.find(c.name);
        if (c.want_targets.empty()) {
            EXPECT_EQ(e, nullptr);
        } else {
            ASSERT_NE(e, nullptr);
            EXPECT_EQ(e->targets, c.want_targets);
        }
        EXPECT_EQ(r.warnings, c.want_warnings);
    }
}

TEST(AliasParse, EntryAtLimitIsKeptAndLimitPlusOneSkipped) {
    std::string name_part = "a: ";
    std::string at_limit = name_part + std::string(100 - name_part.size(), 'x');
    auto ok = parse_aliases(at_limit + "\n", "al", 100);
    EXPECT_NE(ok.table.find("a"), nullptr);
    EXPECT_TRUE(ok.warnings.empty());

    auto over = parse_aliases(at_limit + "y\nb: z\n", "al", 100);
    EXPECT_EQ(over.table.find("a"), nullptr);
    EXPECT_NE(over.table.find("b"), nullptr);
    ASSERT_EQ(over.warnings.size(), 1u);
    EXPECT_EQ(over.warnings[0], "al:1: alias entry longer than 100 bytes, skipped");
}

TEST(AliasParse, LongEntryMadeOfContinuationsIsSkipped) {
    std::string text = "a: x";
    for (int i = 0; i < 50; ++i) text += ",\n  target" + std::to_string(i);
    auto r = parse_aliases(text + "\nb: y\n", "al", 200);
    EXPECT_EQ(r.table.find("a"), nullptr);
    EXPECT_NE(r.table.find("b"), nullptr);
}

TEST(AliasMaps, UnsupportedTypeIsAnError) {
    auto maps = load_alias_maps({"hash:/etc/aliases"}, 1 << 20, 4096);
    ASSERT_TRUE(maps.error.has_value());
    EXPECT_NE(maps.error->message.find("unsupported alias map type"), std::string::npos);
}

TEST(AliasMaps, OpenerAnswersForOtherTypesInListOrder) {
    TempDir dir;
    testing::spit(dir.path() + "/a1", "root: alice\n");
    resolve::AliasOpener opener = [](const std::string& spec) -> Result<resolve::AliasLookup> {
        EXPECT_EQ(spec, "hash:/x");
        return resolve::AliasLookup([](std::string_view name) -> Result<std::optional<std::string>> {
            if (name == "staff") return std::optional<std::string>("carol, \"|/bin/cmd a\"");
            if (name == "root") return std::optional<std::string>("bob");
            return std::optional<std::string>{};
        });
    };
    auto maps = load_alias_maps({"texthash:" + dir.path() + "/a1", "hash:/x"}, 1 << 20, 4096, opener);
    ASSERT_FALSE(maps.error.has_value());
    EXPECT_EQ(maps.lookup("root")->value().targets, std::vector<std::string>{"alice"});
    EXPECT_EQ(maps.lookup("staff")->value().targets, (std::vector<std::string>{"carol", "|/bin/cmd a"}));
    EXPECT_FALSE(maps.lookup("nobody")->has_value());
}

TEST(AliasMaps, OpenerFailureIsAnError) {
    resolve::AliasOpener opener = [](const std::string&) -> Result<resolve::AliasLookup> {
        return make_error("hash:/x: cannot open");
    };
    EXPECT_TRUE(load_alias_maps({"hash:/x"}, 1 << 20, 4096, opener).error.has_value());
}

TEST(AliasValue, OverLimitOrEmptyIsAnError) {
    EXPECT_TRUE(parse_alias_value(std::string(10, 'a'), 10).ok());
    EXPECT_FALSE(parse_alias_value(std::string(11, 'a'), 10).ok());
    EXPECT_FALSE(parse_alias_value(" , ", 100).ok());
    EXPECT_FALSE(parse_alias_value("\"|cmd", 100).ok());
}

TEST(AliasMaps, FileLargerThanLimitIsAnError) {
    TempDir dir;
    std::string path = dir.path() + "/aliases";
    testing::spit(path, std::string(1025, '#'));
    EXPECT_TRUE(load_alias_maps({"texthash:" + path}, 1025, 4096).error == std::nullopt);
    EXPECT_TRUE(load_alias_maps({"texthash:" + path}, 1024, 4096).error.has_value());
}

TEST(AliasMaps, MissingFileIsAnError) {
    EXPECT_TRUE(load_alias_maps({"texthash:/nonexistent/aliases"}, 1 << 20, 4096).error.has_value());
}

TEST(AliasMaps, FirstTableWithTheNameWins) {
    TempDir dir;
    testing::spit(dir.path() + "/a1", "root: alice\n");
    testing::spit(dir.path() + "/a2", "root: bob\nstaff: carol\n");
    auto maps = load_alias_maps({"texthash:" + dir.path() + "/a1", "texthash:" + dir.path() + "/a2"}, 1 << 20, 4096);
    ASSERT_FALSE(maps.error.has_value());
    EXPECT_EQ(maps.find("root")->targets, std::vector<std::string>{"alice"});
    EXPECT_EQ(maps.find("staff")->targets, std::vector<std::string>{"carol"});
}

}  // namespace
}  // namespace postern::local
