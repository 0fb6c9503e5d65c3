// The restart back-off and exit descriptions.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "master_children.hpp"

namespace postern::master {
namespace {

using std::chrono::milliseconds;

TEST(MasterBackoff, FollowsTheTable) {
    const milliseconds limit{60000};
    struct Case {
        const char* label;
        milliseconds previous;
        milliseconds ran_for;
        milliseconds want;
    } cases[] = {
        {"first quick death waits 250 ms", milliseconds{0}, milliseconds{100}, milliseconds{250}},
        {"second quick death doubles", milliseconds{250}, milliseconds{100}, milliseconds{500}},
        {"keeps doubling", milliseconds{16000}, milliseconds{9999}, milliseconds{32000}},
        {"capped at service_throttle_time", milliseconds{32000}, milliseconds{0}, limit},
        {"stays at the cap", limit, milliseconds{0}, limit},
        {"a process that ran 10 s restarts at once", milliseconds{32000}, milliseconds{10000}, milliseconds{0}},
        {"and forgets the back-off", milliseconds{0}, milliseconds{3600000}, milliseconds{0}},
    };
    for (const auto& c : cases) EXPECT_EQ(next_backoff(c.previous, c.ran_for, limit), c.want) << c.label;
}

TEST(MasterBackoff, FirstDelayNeverExceedsASmallLimit) {
    EXPECT_EQ(next_backoff(milliseconds{0}, milliseconds{0}, milliseconds{100}), milliseconds{100});
}

TEST(MasterBackoff, DescribesExits) {
    EXPECT_EQ(describe_exit(W_EXITCODE(1, 0)), "exit status 1");
    EXPECT_EQ(describe_exit(W_EXITCODE(0, 9)), "killed by signal 9");
}

}  // namespace
}  // namespace postern::master
