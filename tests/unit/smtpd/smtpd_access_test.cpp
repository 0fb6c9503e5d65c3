// smtpd's access tables and recipient tables over real texthash: files.
#include "smtpd_access.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lib/config/config.hpp"

namespace postern::smtpd {
namespace {

namespace fs = std::filesystem;

class AccessTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("smtpd-access-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        write("client", "192.0.2.1 REJECT\n198.51.100 OK\nbad.example 550 5.7.0 Go away\n2001:db8 REJECT\n");
        write("helo", "evil.example REJECT\nweird.example HOLD\n");
        write("sender", "spam@example.com REJECT No spam\n<> 450 slow down\nfriend.example RELAY\n"
                        "typo@example.com OKAY\n");
        write("recipient", "abuse@ DUNNO\nblocked@localhost REJECT\n");
        write("virtual", "sales@virt.example alice@localhost\n@catch.example bob\n");
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
    std::string spec(const std::string& name) const { return "texthash:" + (dir_ / name).string(); }

    std::unique_ptr<AccessTable> open(std::string extra = {}) {
        std::string conf = "smtpd_client_access = " + spec("client") + "\nsmtpd_helo_access = " + spec("helo") +
                           "\nsmtpd_sender_access = " + spec("sender") + "\nsmtpd_recipient_access = " +
                           spec("recipient") + "\nvirtual_alias_maps = " + spec("virtual") +
                           "\nmydestination = localhost\n" + extra;
        auto cfg = config::Config::parse(conf, "main.conf", dir_.string());
        EXPECT_TRUE(cfg) << cfg.error().message;
        return open_access_table(*cfg);
    }

    fs::path dir_;
};

TEST_F(AccessTest, ClientAddressNetworkAndName) {
    auto t = open();
    auto v = t->client("192.0.2.1", "unknown");
    EXPECT_EQ(v.action, AccessAction::Reject);
    EXPECT_EQ(v.reply, "554 5.7.1 <unknown[192.0.2.1]>: Client host rejected: Access denied");
    EXPECT_EQ(t->client("198.51.100.7", "unknown").action, AccessAction::Ok);
    EXPECT_EQ(t->client("203.0.113.1", "unknown").action, AccessAction::Dunno);
    EXPECT_EQ(t->client("2001:db8::1", "unknown").action, AccessAction::Reject);
    v = t->client("203.0.113.1", "mx.bad.example");
    EXPECT_EQ(v.reply, "550 5.7.0 <mx.bad.example[203.0.113.1]>: Client host rejected: Go away");
}

TEST_F(AccessTest, HeloSenderRecipient) {
    auto t = open();
    EXPECT_EQ(t->helo("EVIL.example").action, AccessAction::Reject);
    EXPECT_EQ(t->helo("").action, AccessAction::Dunno);
    auto v = t->sender("spam@example.com");
    EXPECT_EQ(v.reply, "554 5.7.1 <spam@example.com>: Sender address rejected: No spam");
    EXPECT_EQ(t->sender("").reply, "450 4.7.1 <>: Sender address rejected: slow down");
    EXPECT_EQ(t->sender("x@sub.friend.example").action, AccessAction::Relay);
    EXPECT_EQ(t->recipient("blocked@localhost").action, AccessAction::Reject);
    EXPECT_EQ(t->recipient("abuse@localhost").action, AccessAction::Dunno);
}

TEST_F(AccessTest, UnknownActionsAndBrokenTablesAreTemporary) {
    auto t = open();
    auto v = t->sender("typo@example.com");
    EXPECT_EQ(v.action, AccessAction::TempFail);
    EXPECT_EQ(v.reply.substr(0, 9), "451 4.3.5");
    EXPECT_EQ(t->helo("weird.example").reply.substr(0, 9), "451 4.3.5");
    fs::remove(dir_ / "recipient");
    auto broken = open("smtpd_recipient_access = hash:" + (dir_ / "missing").string() + "\n");
    v = broken->recipient("anyone@localhost");
    EXPECT_EQ(v.action, AccessAction::TempFail);
    EXPECT_EQ(v.reply, "451 4.3.0 <anyone@localhost>: Temporary lookup failure");
}

TEST_F(AccessTest, VirtualAliases) {
    auto t = open();
    EXPECT_TRUE(t->virtual_alias("Sales@Virt.Example").is_found());
    EXPECT_TRUE(t->virtual_alias("anyone@catch.example").is_found());
    EXPECT_TRUE(t->virtual_alias("sales@other.example").is_not_found());
    auto broken = open("virtual_alias_maps = hash:" + (dir_ / "missing").string() + "\n");
    EXPECT_TRUE(broken->virtual_alias("sales@virt.example").is_temp_fail());
}

}  // namespace
}  // namespace postern::smtpd
