#include "smtpd_limits.hpp"
#include "smtpd_networks.hpp"

#include <gtest/gtest.h>

namespace postern::smtpd {
namespace {

TEST(NetworkList, MatchesCidrsOfBothFamilies) {
    auto list = NetworkList::parse({"127.0.0.0/8", "[::1]/128", "192.0.2.7", "[2001:db8::]/32"});
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(list->contains("127.1.2.3"));
    EXPECT_TRUE(list->contains("::ffff:127.0.0.1"));
    EXPECT_TRUE(list->contains("::1"));
    EXPECT_TRUE(list->contains("192.0.2.7"));
    EXPECT_FALSE(list->contains("192.0.2.8"));
    EXPECT_TRUE(list->contains("2001:db8:1::5"));
    EXPECT_FALSE(list->contains("2001:db9::1"));
    EXPECT_FALSE(list->contains("garbage"));
}

TEST(NetworkList, RejectsMalformedEntries) {
    for (const char* bad : {"127.0.0.0/33", "300.0.0.1", "[::1]/129", "example.org", "10.0.0.0/x"})
        EXPECT_FALSE(NetworkList::parse({bad}).ok()) << bad;
}

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
}  // namespace postern::smtpd
