// The idle-session cache's bookkeeping: time limit, size limit, reuse
// limit, lookup by key, and that every session leaves through the closer.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtp_conn_cache.hpp"

namespace postern::smtp {
namespace {

using std::chrono::milliseconds;
using Cache = IdleCache<std::string>;

struct Fixture : ::testing::Test {
    std::vector<std::string> closed;
    Cache::Clock::time_point t0 = Cache::Clock::now();
    Cache make(CacheLimits limits) {
        return Cache(limits, [this](std::string& s) { closed.push_back(s); });
    }
};

TEST_F(Fixture, TakeReturnsTheSessionForItsKeyOnce) {
    auto c = make({});
    c.put("hop-a", "a1", 1, t0);
    c.put("hop-b", "b1", 3, t0);
    EXPECT_FALSE(c.take("hop-c", t0));
    auto got = c.take("hop-b", t0);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->value, "b1");
    EXPECT_EQ(got->uses, 3u);
    EXPECT_FALSE(c.take("hop-b", t0));
    EXPECT_EQ(c.size(), 1u);
    EXPECT_TRUE(closed.empty());
}

TEST_F(Fixture, TheMostRecentlyCachedSessionOfAKeyComesFirst) {
    auto c = make({});
    c.put("hop", "old", 1, t0);
    c.put("hop", "new", 1, t0 + milliseconds{100});
    EXPECT_EQ(c.take("hop", t0 + milliseconds{200})->value, "new");
    EXPECT_EQ(c.take("hop", t0 + milliseconds{200})->value, "old");
}

TEST_F(Fixture, IdleSessionsAreClosedWhenTheirTimeIsUp) {
    auto c = make({4, milliseconds{2000}, 100});
    c.put("hop", "first", 1, t0);
    c.put("hop", "second", 1, t0 + milliseconds{1500});
    EXPECT_EQ(c.expire(t0 + milliseconds{500}), milliseconds{1500});
    EXPECT_EQ(c.expire(t0 + milliseconds{2000}), milliseconds{1500});
    EXPECT_EQ(closed, std::vector<std::string>{"first"});
    // take() never hands out an expired session either.
    EXPECT_FALSE(c.take("hop", t0 + milliseconds{3500}));
    EXPECT_EQ(closed, (std::vector<std::string>{"first", "second"}));
    EXPECT_EQ(c.expire(t0 + milliseconds{4000}), milliseconds{2000});  // empty: the whole limit
}

TEST_F(Fixture, AFullCacheClosesTheLongestIdleSession) {
    auto c = make({2, milliseconds{2000}, 100});
    c.put("a", "a", 1, t0);
    c.put("b", "b", 1, t0 + milliseconds{1});
    c.put("c", "c", 1, t0 + milliseconds{2});
    EXPECT_EQ(c.size(), 2u);
    EXPECT_EQ(closed, std::vector<std::string>{"a"});
    EXPECT_FALSE(c.take("a", t0 + milliseconds{3}));
    EXPECT_TRUE(c.take("c", t0 + milliseconds{3}));
}

TEST_F(Fixture, ASessionReusedOftenEnoughIsClosedInsteadOfCached) {
    auto c = make({4, milliseconds{2000}, 2});  // one fresh use + two reuses
    c.put("hop", "s", 2, t0);                   // reused once: once more is allowed
    EXPECT_EQ(c.size(), 1u);
    c.put("hop2", "t", 3, t0);                  // reused twice
    EXPECT_EQ(c.size(), 1u);
    EXPECT_EQ(closed, std::vector<std::string>{"t"});
}

TEST_F(Fixture, SizeZeroMeansNoReuse) {
    auto c = make({0, milliseconds{2000}, 100});
    EXPECT_FALSE(c.enabled());
    c.put("hop", "s", 1, t0);
    EXPECT_EQ(c.size(), 0u);
    EXPECT_EQ(closed, std::vector<std::string>{"s"});
}

TEST_F(Fixture, ClearAndDestructionCloseEverySession) {
    {
        auto c = make({});
        c.put("a", "a", 1, t0);
        c.put("b", "b", 1, t0);
        c.clear();
        EXPECT_EQ(closed.size(), 2u);
        c.put("c", "c", 1, t0);
    }
    EXPECT_EQ(closed, (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace postern::smtp
