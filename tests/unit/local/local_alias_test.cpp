// Alias file parsing and recipient expansion.
#include "local_alias.hpp"

#include <gtest/gtest.h>

#include "local_resolve.hpp"
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
    {"duplicate: last wins", "a: x\na: y\n", "a", {"y"}, {"al:2: duplicate alias a, the last one wins"}},
    {"missing colon", "root alice\nok: bob\n", "ok", {"bob"}, {"al:1: missing ':' in alias entry"}},
    {"empty name", ": bob\n", "", {}, {"al:1: empty alias name"}},
    {"no targets", "a:\nb: x\n", "a", {}, {"al:1: alias a has no targets"}},
    {"continuation without entry", "  bob\nc: x\n", "c", {"x"}, {"al:1: continuation line without an alias entry"}},
    {"unterminated quote", "a: \"|prog\nb: x\n", "a", {}, {"al:1: unterminated quote in alias a"}},
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

// Expansion against a user instance whose users are the Maildirs in spool/.
class ExpandTest : public ::testing::Test {
protected:
    void SetUp() override {
        s_ = testing::user_settings(dir_.path());
        for (const char* u : {"alice", "bob", "carol", "root"}) ::mkdir((s_.mail_spool_directory + "/" + u).c_str(), 0700);
    }
    Expansion expand(const std::string& aliases, const std::string& address) {
        maps_.tables = {parse_aliases(aliases, "al", 4096).table};
        return expand_recipient(s_, maps_, address);
    }
    static std::vector<std::string> names(const Expansion& e) {
        std::vector<std::string> out;
        for (const auto& t : e.targets) out.push_back(std::string(kind_name(t.kind)) + ":" + t.value);
        return out;
    }
    TempDir dir_;
    Settings s_;
    AliasMaps maps_;
};

TEST_F(ExpandTest, TableTempFailDefersNeverBounces) {
    maps_.tables.resize(1);
    maps_.tables[0].path = "ldap:/x.cf";
    maps_.tables[0].external = [](std::string_view) -> Result<std::optional<std::string>> {
        return make_error("ldap:/x.cf: server down");
    };
    auto e = expand_recipient(s_, maps_, "nobody@example.test");
    EXPECT_TRUE(e.targets.empty());
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].dsn, "4.3.0");
}

TEST_F(ExpandTest, UserWithoutAliasIsItsMailbox) {
    auto e = expand("", "Alice@example.test");
    EXPECT_EQ(names(e), std::vector<std::string>{"mailbox:alice"});
    EXPECT_TRUE(e.problems.empty());
}

TEST_F(ExpandTest, ExtensionIsStrippedForTheUser) {
    EXPECT_EQ(names(expand("", "alice+lists@example.test")), std::vector<std::string>{"mailbox:alice"});
}

TEST_F(ExpandTest, AliasWithExtensionIsTriedFirst) {
    EXPECT_EQ(names(expand("alice+x: bob\n", "alice+x@example.test")), std::vector<std::string>{"mailbox:bob"});
    EXPECT_EQ(names(expand("alice: bob\n", "alice+y@example.test")), std::vector<std::string>{"mailbox:bob"});
}

TEST_F(ExpandTest, NestedAliasesAndLocalDomainTargets) {
    auto e = expand("staff: team, carol@EXAMPLE.test\nteam: alice, bob\n", "staff@example.test");
    EXPECT_EQ(names(e), (std::vector<std::string>{"mailbox:alice", "mailbox:bob", "mailbox:carol"}));
}

TEST_F(ExpandTest, SelfReferenceMeansTheUsersMailbox) {
    EXPECT_EQ(names(expand("root: root, alice\n", "root@example.test")),
              (std::vector<std::string>{"mailbox:root", "mailbox:alice"}));
}

TEST_F(ExpandTest, BackslashStopsAliasing) {
    EXPECT_EQ(names(expand("alice: \\alice, bob\n", "alice@example.test")),
              (std::vector<std::string>{"mailbox:alice", "mailbox:bob"}));
}

TEST_F(ExpandTest, DuplicateTargetsAreDeliveredOnce) {
    EXPECT_EQ(names(expand("a: alice, b\nb: alice\n", "a@example.test")), std::vector<std::string>{"mailbox:alice"});
}

TEST_F(ExpandTest, LoopWithoutUserBouncesAsLoop) {
    auto e = expand("x: y\ny: x\n", "x@example.test");
    EXPECT_TRUE(e.targets.empty());
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].status, Outcome::Status::Bounced);
    EXPECT_EQ(e.problems[0].dsn, "5.4.6");
}

TEST_F(ExpandTest, LoopBackToAUserDeliversToThatUser) {
    EXPECT_EQ(names(expand("alice: bob\nbob: alice\n", "alice@example.test")),
              std::vector<std::string>{"mailbox:alice"});
}

TEST_F(ExpandTest, UnknownUserBounces511) {
    auto e = expand("", "nobody-here@example.test");
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].status, Outcome::Status::Bounced);
    EXPECT_EQ(e.problems[0].dsn, "5.1.1");
    EXPECT_EQ(e.problems[0].reason, "unknown user: nobody-here");
}

TEST_F(ExpandTest, PathLikeNamesAreUnknownUsers) {
    for (const char* a : {"../alice@example.test", ".hidden@example.test", "a/b@example.test"}) {
        auto e = expand("", a);
        EXPECT_TRUE(e.targets.empty()) << a;
        ASSERT_EQ(e.problems.size(), 1u) << a;
        EXPECT_EQ(e.problems[0].dsn, "5.1.1") << a;
    }
}

TEST_F(ExpandTest, UnsupportedTargetKindsBecomeTargets) {
    auto e = expand("a: |/bin/prog, /var/log/file, :include:/etc/list, someone@remote.test\n", "a@example.test");
    EXPECT_EQ(names(e), (std::vector<std::string>{"command:/bin/prog", "file:/var/log/file", "include:/etc/list",
                                                  "remote:someone@remote.test"}));
}

TEST_F(ExpandTest, DepthLimitPlusOneBounces) {
    s_.alias_depth_limit = 3;
    // a0 -> a1 -> a2 -> alice: three levels, within the limit.
    EXPECT_EQ(names(expand("a0: a1\na1: a2\na2: alice\n", "a0@example.test")), std::vector<std::string>{"mailbox:alice"});
    auto e = expand("a0: a1\na1: a2\na2: a3\na3: alice\n", "a0@example.test");
    EXPECT_TRUE(e.targets.empty());
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].dsn, "5.4.6");
}

TEST_F(ExpandTest, FanOutLimitPlusOneBounces) {
    s_.alias_recipient_limit = 3;
    EXPECT_EQ(expand("a: |p1, |p2, |p3\n", "a@example.test").problems.size(), 0u);
    auto e = expand("a: |p1, |p2, |p3, |p4\n", "a@example.test");
    EXPECT_EQ(e.targets.size(), 3u);
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].dsn, "5.3.0");
}

TEST_F(ExpandTest, AliasMapErrorDefers) {
    maps_.error = make_error("unsupported alias map type: hash:/etc/aliases");
    auto e = expand_recipient(s_, maps_, "alice@example.test");
    EXPECT_TRUE(e.targets.empty());
    ASSERT_EQ(e.problems.size(), 1u);
    EXPECT_EQ(e.problems[0].status, Outcome::Status::Deferred);
    EXPECT_EQ(e.problems[0].dsn, "4.3.0");
}

}  // namespace
}  // namespace postern::local
