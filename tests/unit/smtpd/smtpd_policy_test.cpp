#include "smtpd_policy.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace postern::smtpd {
namespace {

namespace fs = std::filesystem;

class PolicyTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("smtpd-policy-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "mail" / "alice");
        std::ofstream(dir_ / "aliases") << "abuse: alice\n";
        settings_.mydestination = {"localhost", "example.net"};
        settings_.relay_domains = {"partner.example"};
        settings_.users = resolve::UserDirectory{(dir_ / "mail").string(), false, true, "+"};
        settings_.alias_maps = {"texthash:" + (dir_ / "aliases").string()};
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string check(std::string_view rcpt, bool trusted) {
        Policy policy(settings_, access_);
        ClientInfo client;
        client.addr = trusted ? "127.0.0.1" : "192.0.2.1";
        client.trusted = trusted;
        return policy.check_recipient(client, "s@example.org", rcpt).substr(0, 9);
    }

    fs::path dir_;
    Settings settings_;
    AccessTable access_;
};

TEST_F(PolicyTest, RecipientTable) {
    struct Case {
        const char* rcpt;
        bool trusted;
        const char* want;  // "" = accepted, else the reply's code and DSN
    } cases[] = {
        {"alice@localhost", false, ""},
        {"ALICE+tag@Example.NET", false, ""},
        {"abuse@localhost", false, ""},
        {"postmaster", false, "550 5.1.1"},
        {"bob@localhost", false, "550 5.1.1"},
        {"someone@partner.example", false, ""},
        {"someone@elsewhere.example", false, "554 5.7.1"},
        {"someone@elsewhere.example", true, ""},
        {"user%elsewhere.example@localhost", false, "554 5.7.1"},
        {"elsewhere.example!user@localhost", false, "554 5.7.1"},
        {"\"user@elsewhere.example\"@localhost", false, "554 5.7.1"},
        {"user%elsewhere.example@localhost", true, "550 5.1.1"},
        {"../alice@localhost", false, "550 5.1.1"},
    };
    for (const auto& c : cases) EXPECT_EQ(check(c.rcpt, c.trusted), c.want) << c.rcpt << " trusted=" << c.trusted;
}

TEST_F(PolicyTest, UnreadableAliasTableIsATemporaryFailure) {
    settings_.alias_maps = {"hash:/nonexistent/aliases"};
    EXPECT_EQ(check("alice@localhost", false), "451 4.3.0");
}

class RejectAll : public AccessTable {
public:
    AccessVerdict sender(std::string_view) const override { return {AccessAction::Reject, {}}; }
};

TEST_F(PolicyTest, AccessHookRejectWins) {
    RejectAll reject;
    Policy policy(settings_, reject);
    ClientInfo client;
    client.trusted = true;
    EXPECT_EQ(policy.check_recipient(client, "s@example.org", "alice@localhost").substr(0, 9), "554 5.7.1");
}

}  // namespace
}  // namespace postern::smtpd
