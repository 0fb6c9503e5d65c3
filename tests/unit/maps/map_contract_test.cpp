// The contract every writable backend keeps: found / not found / temporary
// failure never confused, NUL conventions of both writers, case folding,
// value bound, atomic rebuild noticed by an open table.
#include <gtest/gtest.h>

#include "maps/registry.hpp"
#include "maps_test_util.hpp"

namespace postern::maps {
namespace {

using test::TempDir;

class WritableMapTest : public ::testing::TestWithParam<std::string> {
protected:
    std::string spec(const std::string& name) const { return GetParam() + ":" + dir_.file(name); }
    TempDir dir_;
};

std::vector<Entry> sample() { return {{"alice", "alice@example.org"}, {"bob@example.com", "robert"}}; }

TEST_P(WritableMapTest, FindsBuiltKeysAndReportsMissingOnesAsNotFound) {
    for (bool nul : {true, false}) {
        std::string s = spec(nul ? "withnul" : "plain");
        BuildOptions bo;
        bo.append_nul = nul;
        ASSERT_TRUE(build_map(s, sample(), bo).ok());
        auto map = open_map(s);
        ASSERT_TRUE(map.ok()) << map.error().message;
        Lookup r = (*map)->lookup("alice");
        ASSERT_TRUE(r.is_found()) << s;
        EXPECT_EQ(r.value(), "alice@example.org");
        EXPECT_EQ((*map)->lookup("BOB@Example.COM").value(), "robert");
        EXPECT_TRUE((*map)->lookup("carol").is_not_found());
    }
}

TEST_P(WritableMapTest, MissingTableIsAnOpenErrorNamingTheTable) {
    auto map = open_map(spec("absent"));
    ASSERT_FALSE(map.ok());
    EXPECT_NE(map.error().message.find(spec("absent")), std::string::npos) << map.error().message;
}

TEST_P(WritableMapTest, ValueOverTheLimitIsTemporaryFailureNotNotFound) {
    std::string s = spec("big");
    ASSERT_TRUE(build_map(s, {{"k", std::string(257, 'v')}, {"ok", std::string(256, 'v')}}, {}).ok());
    MapOptions opts;
    opts.value_limit = 256;
    auto map = open_map(s, opts);
    ASSERT_TRUE(map.ok());
    EXPECT_TRUE((*map)->lookup("ok").is_found());
    Lookup r = (*map)->lookup("k");
    EXPECT_TRUE(r.is_temp_fail());
    EXPECT_NE(r.error().find("map_value_size_limit"), std::string::npos);
}

TEST_P(WritableMapTest, OpenTableSeesAnAtomicRebuild) {
    std::string s = spec("live");
    ASSERT_TRUE(build_map(s, {{"k", "old"}}, {}).ok());
    MapOptions at_once;
    at_once.change_check_ms = 0;
    auto map = open_map(s, at_once);
    ASSERT_TRUE(map.ok());
    EXPECT_EQ((*map)->lookup("k").value(), "old");
    ASSERT_TRUE(build_map(s, {{"k", "new"}, {"k2", "x"}}, {}).ok());
    EXPECT_EQ((*map)->lookup("k").value(), "new");
    EXPECT_TRUE((*map)->lookup("k2").is_found());
}

TEST_P(WritableMapTest, DumpAndDeleteKeepTheNulConvention) {
    std::string s = spec("dump");
    BuildOptions bo;
    bo.append_nul = false;
    ASSERT_TRUE(build_map(s, sample(), bo).ok());
    auto removed = delete_key(s, "alice");
    ASSERT_TRUE(removed.ok());
    EXPECT_TRUE(*removed);
    auto again = delete_key(s, "alice");
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);
    auto all = dump_map(s);
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ(all->front().key, "bob@example.com");
    EXPECT_EQ(all->front().value, "robert");
}

INSTANTIATE_TEST_SUITE_P(Backends, WritableMapTest, ::testing::Values("hash", "btree", "dbm"));

TEST(DbMap, CorruptFileIsAnOpenErrorNamingTheFile) {
    TempDir dir;
    dir.write("bad.db", std::string(8192, 'x'));
    auto map = open_map("hash:" + dir.file("bad"));
    ASSERT_FALSE(map.ok());
    EXPECT_NE(map.error().message.find(dir.file("bad.db")), std::string::npos) << map.error().message;
}

TEST(Registry, UnknownTypeAndMissingTypeAreErrors) {
    EXPECT_FALSE(open_map("nosuch:/x").ok());
    EXPECT_FALSE(open_map("/etc/aliases").ok());
    EXPECT_FALSE(build_map("texthash:/x", {}, {}).ok());
}

TEST(TexthashMap, ReadsPostmapSourceWithContinuationsAndComments) {
    TempDir dir;
    std::string path = dir.write("t", "# comment\nAlice  alice@example.org\nlist a@x,\n  b@y\n\n");
    auto map = open_map("texthash:" + path);
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ((*map)->lookup("alice").value(), "alice@example.org");
    EXPECT_EQ((*map)->lookup("list").value(), "a@x, b@y");
    EXPECT_TRUE((*map)->lookup("comment").is_not_found());
}

TEST(TexthashMap, MalformedLineFailsTheOpenWithFileAndLine) {
    TempDir dir;
    std::string path = dir.write("t", "good value\nlonely\n");
    auto map = open_map("texthash:" + path);
    ASSERT_FALSE(map.ok());
    EXPECT_NE(map.error().message.find(path + ":2:"), std::string::npos) << map.error().message;
}

TEST(TexthashMap, LineOneOverTheLimitIsRefused) {
    TempDir dir;
    MapOptions opts;
    opts.line_limit = 256;
    std::string at_limit = "k " + std::string(253, 'v') + "\n";  // 255 bytes + 1 for the limit check
    std::string over = "k " + std::string(255, 'v') + "\n";
    EXPECT_TRUE(open_map("texthash:" + dir.write("a", at_limit), opts).ok());
    EXPECT_FALSE(open_map("texthash:" + dir.write("b", over), opts).ok());
}

TEST(InlineMap, ParsesPairsAndBracedValues) {
    auto map = open_map("inline:{ a=1, B = two , {c = x, y} }");
    ASSERT_TRUE(map.ok()) << map.error().message;
    EXPECT_EQ((*map)->lookup("a").value(), "1");
    EXPECT_EQ((*map)->lookup("b").value(), "two");
    EXPECT_EQ((*map)->lookup("c").value(), "x, y");
    EXPECT_TRUE((*map)->lookup("d").is_not_found());
    EXPECT_FALSE(open_map("inline:a=1").ok());
    EXPECT_FALSE(open_map("inline:{novalue}").ok());
}

TEST(StaticMap, FindsEveryKey) {
    auto map = open_map("static:{smtp:[relay.example]:25}");
    ASSERT_TRUE(map.ok());
    EXPECT_EQ((*map)->lookup("anything").value(), "smtp:[relay.example]:25");
}

TEST(NisMap, UnboundDomainIsTemporaryFailure) {
    MapOptions opts;
    opts.nis_domain = "postern-test-no-such-domain";
    auto map = open_map("nis:mail.aliases", opts);
    ASSERT_TRUE(map.ok());
    EXPECT_TRUE((*map)->lookup("root").is_temp_fail());
}

}  // namespace
}  // namespace postern::maps
