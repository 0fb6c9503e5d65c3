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
    AccessVerdict sender(std::string_view) const override { return {AccessAction::Reject, "554 5.7.1 <s>: no"}; }
};

TEST_F(PolicyTest, AccessHookRejectWins) {
    RejectAll reject;
    Policy policy(settings_, reject);
    ClientInfo client;
    client.trusted = true;
    EXPECT_EQ(policy.check_recipient(client, "s@example.org", "alice@localhost").substr(0, 9), "554 5.7.1");
}

// virtual_alias_maps as a fake: sales@virt.example exists, down@... fails.
class VirtualTables : public AccessTable {
public:
    maps::Lookup virtual_alias(std::string_view a) const override {
        if (a == "sales@virt.example" || a == "list@localhost") return maps::Lookup::found("alice@localhost");
        if (a.substr(0, 5) == "down@") return maps::Lookup::temp_fail("virtual_alias_maps: ldap down");
        return maps::Lookup::not_found();
    }
};

TEST_F(PolicyTest, VirtualAliasesAtRcpt) {
    settings_.virtual_alias_domains = {"virt.example"};
    VirtualTables tables;
    Policy policy(settings_, tables);
    ClientInfo client;
    client.addr = "192.0.2.1";
    auto code = [&](std::string_view rcpt) { return policy.check_recipient(client, "s@example.org", rcpt).substr(0, 9); };
    EXPECT_EQ(code("sales@virt.example"), "");
    EXPECT_EQ(code("nobody@virt.example"), "550 5.1.1");
    EXPECT_EQ(code("list@localhost"), "");           // a virtual alias in a local domain, no such user
    EXPECT_EQ(code("down@localhost"), "451 4.3.0");  // never 550 while the table is down
    EXPECT_EQ(code("down@virt.example"), "451 4.3.0");
    EXPECT_EQ(code("sales@elsewhere.example"), "554 5.7.1");  // relay check comes first
}

class TempFailAccess : public AccessTable {
public:
    AccessVerdict recipient(std::string_view) const override {
        return {AccessAction::TempFail, "451 4.3.0 <r>: Temporary lookup failure"};
    }
};

TEST_F(PolicyTest, AccessTableFailureIsTemporary) {
    TempFailAccess broken;
    Policy policy(settings_, broken);
    ClientInfo client;
    client.trusted = true;
    EXPECT_EQ(policy.check_recipient(client, "s@example.org", "alice@localhost").substr(0, 9), "451 4.3.0");
}

}  // namespace
}  // namespace postern::smtpd
