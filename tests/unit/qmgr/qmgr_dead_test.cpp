// The dead-destination cache and its file ($queue_directory/hoststat):
// format, tolerance of damage, expiry, purge and reload, and the layout
// sendmail -bh / postern-queue hoststat print.
#include "qmgr_dead.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "lib/base/safe_file.hpp"
#include "lib/queue/queue_hoststat.hpp"
#include "qmgr_test_util.hpp"

namespace postern::qmgr {
namespace {

class QmgrDead : public ::testing::Test {
protected:
    void SetUp() override {
        testing::quiet_logs();
        root_ = dir_.path() + "/queue";
        ASSERT_TRUE(queue::QueueDir::create_layout(root_).ok());
        q_.emplace(std::move(*queue::QueueDir::open(root_)));
    }
    std::vector<queue::HostStatus> on_disk() { return *queue::read_host_status(*q_); }

    testing::TempDir dir_;
    std::string root_;
    std::optional<queue::QueueDir> q_;
};

TEST_F(QmgrDead, AnEntryIsDeadUntilItsRetryTimeAndPersisted) {
    DeadDestinations dead(*q_);
    dead.add("smtp", "down.test", 1000, 1300, "4.4.1 connect to mx.down.test[127.0.0.9]:25: Connection refused");
    const auto* e = dead.find("smtp", "down.test", 1299);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(suspended_reason(*e),
              "delivery temporarily suspended: 4.4.1 connect to mx.down.test[127.0.0.9]:25: Connection refused");
    EXPECT_EQ(dead.find("relay", "down.test", 1299), nullptr) << "keyed by transport too";
    auto disk = on_disk();
    ASSERT_EQ(disk.size(), 1u);
    EXPECT_EQ(disk[0].destination, "down.test");
    EXPECT_EQ(disk[0].retry_at, 1300);

    EXPECT_EQ(dead.find("smtp", "down.test", 1300), nullptr) << "retry time reached: alive again";
    EXPECT_TRUE(on_disk().empty());
    EXPECT_NE(::access(queue::host_status_path(*q_).c_str(), F_OK), 0) << "an empty cache has no file";
}

TEST_F(QmgrDead, ARestartedQmgrRemembers) {
    DeadDestinations(*q_).add("smtp", "down.test", 1000, 5000, "4.4.1 timed out");
    DeadDestinations again(*q_);
    again.load();
    EXPECT_NE(again.find("smtp", "down.test", 2000), nullptr);
}

TEST_F(QmgrDead, ExpireAndReviveAll) {
    DeadDestinations dead(*q_);
    dead.add("smtp", "a.test", 1000, 1100, "x");
    dead.add("smtp", "b.test", 1000, 1900, "y");
    dead.expire(1500);
    EXPECT_EQ(dead.size(), 1u);
    EXPECT_EQ(on_disk().size(), 1u);
    dead.revive_all();
    EXPECT_EQ(dead.size(), 0u);
    EXPECT_TRUE(on_disk().empty());
}

TEST_F(QmgrDead, PurgedFileIsReloaded) {
    DeadDestinations dead(*q_);
    dead.add("smtp", "a.test", 1000, 9000, "x");
    ASSERT_TRUE(queue::purge_host_status(*q_).ok());
    dead.load();  // what the 'H' trigger does
    EXPECT_EQ(dead.find("smtp", "a.test", 2000), nullptr);
}

TEST(QueueHostStatus, FormatRoundTripsAndDamageIsSkipped) {
    std::vector<queue::HostStatus> in = {{"smtp", "a.test", 10, 20, "tab\there\nand newline"},
                                         {"relay", "[10.0.0.1]:587", 11, 21, ""}};
    std::string text = queue::format_host_status(in);
    text += "garbage line\n\t\t\t\t\nsmtp\tx\tnot-a-time\t5\tr\n";
    auto out = queue::parse_host_status(text);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].reason, "tab here and newline") << "one field, one line";
    EXPECT_EQ(out[1].destination, "[10.0.0.1]:587");
    EXPECT_EQ(out[1].failed_at, 11);
}

TEST(QueueHostStatus, RenderedLikeSendmailHoststat) {
    EXPECT_EQ(queue::render_host_status({}, 0), "No host status\n");
    auto out = queue::render_host_status({{"smtp", "down.test", 1000, 1300, "4.4.1 Connection refused"},
                                          {"relay", "r.test", 1000 - 90000, 1300, "4.4.3 timeout"}},
                                         1000 + 3723);
    EXPECT_NE(out.find("Hostname"), std::string::npos);
    EXPECT_NE(out.find(" down.test "), std::string::npos) << out;
    EXPECT_NE(out.find("01:02:03 Deferred: 4.4.1 Connection refused (retry after "), std::string::npos) << out;
    EXPECT_NE(out.find(" relay:r.test "), std::string::npos) << "transports other than smtp are named";
    EXPECT_NE(out.find("1+02:02:03"), std::string::npos) << "days as sendmail prints them";
}

}  // namespace
}  // namespace postern::qmgr
