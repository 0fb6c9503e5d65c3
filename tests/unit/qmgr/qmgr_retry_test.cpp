#include "qmgr_retry.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "lib/base/unique_fd.hpp"
#include "qmgr_test_util.hpp"

namespace postern::qmgr {
namespace {

using std::chrono::seconds;

RetryPolicy policy() { return RetryPolicy{seconds{300}, seconds{4000}, seconds{5 * 86400}}; }

TEST(QmgrRetry, BackoffIsAgeClampedToBounds) {
    struct {
        const char* label;
        long age;
        long want;
    } cases[] = {
        {"fresh message waits the minimum", 0, 300},
        {"negative age (clock stepped back) waits the minimum", -50, 300},
        {"just below the minimum", 299, 300},
        {"between the bounds waits its age", 1000, 1000},
        {"at the maximum", 4000, 4000},
        {"one past the maximum is clamped", 4001, 4000},
        {"old message waits the maximum", 86400, 4000},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(backoff_delay(seconds{c.age}, policy()).count(), c.want);
    }
}

TEST(QmgrRetry, MaximumBelowMinimumMeansMinimum) {
    RetryPolicy p{seconds{600}, seconds{100}, seconds{86400}};
    EXPECT_EQ(backoff_delay(seconds{5000}, p).count(), 600);
}

TEST(QmgrRetry, NextAttemptIsNowPlusBackoff) {
    EXPECT_EQ(next_attempt_time(10000, 10000 - 2000, policy()), 12000);
    EXPECT_EQ(next_attempt_time(10000, 10000, policy()), 10300);
}

TEST(QmgrRetry, LifetimeBoundary) {
    auto p = policy();
    const std::time_t now = 1'000'000;
    const std::time_t life = 5 * 86400;
    EXPECT_FALSE(lifetime_exceeded(now, now - life + 1, p));
    EXPECT_TRUE(lifetime_exceeded(now, now - life, p));
    EXPECT_TRUE(lifetime_exceeded(now, now - life - 1, p));
    p.max_lifetime = seconds{0};
    EXPECT_TRUE(lifetime_exceeded(now, now, p)) << "0 returns after the first failed attempt";
}

TEST(QmgrRetry, RetryDueWhenMtimeHasPassed) {
    EXPECT_TRUE(retry_due(100, 100));
    EXPECT_TRUE(retry_due(99, 100));
    EXPECT_FALSE(retry_due(101, 100));
}

TEST(QmgrRetry, SetNextAttemptWritesMtime) {
    testing::TempDir dir;
    std::string path = dir.path() + "/f";
    UniqueFd fd(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600));
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(set_next_attempt(fd.get(), 2'000'000'000, path).ok());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mtime, 2'000'000'000);
}

TEST(QmgrRetry, SetNextAttemptOnBadFdNamesThePath) {
    auto s = set_next_attempt(-1, 0, "/queue/active/X");
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("/queue/active/X"), std::string::npos);
}

}  // namespace
}  // namespace postern::qmgr
