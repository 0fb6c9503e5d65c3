#include "lib/server/client_limiter.hpp"

#include <gtest/gtest.h>

namespace postern::server {
namespace {

TEST(ClientLimiter, RefusesTheConnectionAboveTheCountLimit) {
    ClientLimiter l(2, 0, std::chrono::seconds(60));
    auto now = ClientLimiter::Clock::now();
    EXPECT_EQ(l.admit("a", now), ClientLimiter::Verdict::Ok);
    EXPECT_EQ(l.admit("a", now), ClientLimiter::Verdict::Ok);
    EXPECT_EQ(l.admit("a", now), ClientLimiter::Verdict::TooManyConnections);
    EXPECT_EQ(l.admit("b", now), ClientLimiter::Verdict::Ok);
    l.release("a");
    EXPECT_EQ(l.admit("a", now), ClientLimiter::Verdict::Ok);
}

TEST(ClientLimiter, RefusesAboveTheRateUntilTheWindowPasses) {
    ClientLimiter l(0, 2, std::chrono::seconds(60));
    auto now = ClientLimiter::Clock::now();
    for (int i = 0; i < 2; ++i) {
        EXPECT_EQ(l.admit("a", now), ClientLimiter::Verdict::Ok);
        l.release("a");
    }
    EXPECT_EQ(l.admit("a", now), ClientLimiter::Verdict::TooFast);
    EXPECT_EQ(l.admit("a", now + std::chrono::seconds(61)), ClientLimiter::Verdict::Ok);
}

}  // namespace
}  // namespace postern::server
