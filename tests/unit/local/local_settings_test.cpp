// Settings come from main.conf through the parameter table.
#include "local_settings.hpp"

#include <gtest/gtest.h>

#include "local_privs.hpp"

namespace postern::local {
namespace {

TEST(Settings, FromMainConf) {
    auto cfg = config::Config::parse(
        "user_instance = yes\nmailbox_format = Maildir\nalias_maps = texthash:/a, texthash:/b\n"
        "mydestination = Example.TEST, localhost\nalias_expansion_depth_limit = 5\n"
        "alias_expansion_recipient_limit = 7\ndeliver_lock_attempts = 3\ndeliver_lock_delay = 2s\n"
        "stale_lock_time = 10m\n",
        "main.conf", "/nonexistent");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    Settings s = settings_from(*cfg);
    EXPECT_TRUE(s.user_instance);
    EXPECT_FALSE(s.privileged());
    EXPECT_EQ(s.mailbox_format, MailboxFormat::Maildir);
    EXPECT_EQ(s.alias_maps, (std::vector<std::string>{"texthash:/a", "texthash:/b"}));
    EXPECT_EQ(s.local_domains, (std::vector<std::string>{"example.test", "localhost"}));
    EXPECT_EQ(s.alias_depth_limit, 5u);
    EXPECT_EQ(s.alias_recipient_limit, 7u);
    EXPECT_EQ(s.lock_attempts, 3);
    EXPECT_EQ(s.lock_delay, std::chrono::milliseconds(2000));
    EXPECT_EQ(s.stale_lock_time, std::chrono::seconds(600));
}

TEST(Settings, DefaultsMatchTheDocumentedOnes) {
    Settings s = settings_from(config::Config::defaults("/nonexistent"));
    EXPECT_EQ(s.mailbox_format, MailboxFormat::Mbox);
    EXPECT_EQ(s.alias_depth_limit, 20u);
    EXPECT_EQ(s.alias_recipient_limit, 1000u);
    EXPECT_EQ(s.stale_lock_time, std::chrono::seconds(300));
}

TEST(Settings, OutOfBoundsLimitIsRejected) {
    EXPECT_FALSE(config::Config::parse("alias_expansion_depth_limit = 1001\n", "main.conf", "/x").ok());
    EXPECT_FALSE(config::Config::parse("deliver_lock_attempts = 0\n", "main.conf", "/x").ok());
}

TEST(OutcomeReport, OversizedChildReportIsRejected) {
    EXPECT_TRUE(decode_outcome(encode_outcome(deferred("4.2.0", std::string(8000, 'x')))).ok());
    EXPECT_FALSE(decode_outcome(encode_outcome(deferred("4.2.0", std::string(8193, 'x')))).ok());
}

}  // namespace
}  // namespace postern::local
