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

}  // namespace
}  // namespace postern::smtpd
