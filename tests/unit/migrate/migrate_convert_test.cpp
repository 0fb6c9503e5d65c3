// sendmail tables -> postern tables, one labelled case per rule: what each
// entry becomes, or that it is reported (with its source) as not converted.
#include <functional>

#include <gtest/gtest.h>

#include "migrate/migrate_convert.hpp"

namespace postern::migrate {
namespace {

SourceTable table(std::vector<std::pair<std::string, std::string>> kv) {
    SourceTable t;
    int line = 0;
    for (auto& [k, v] : kv) t.entries.push_back({k, v, "tbl:" + std::to_string(++line)});
    return t;
}

std::string lookup(const OutTables& out, const std::string& name, const std::string& key) {
    auto it = out.find(name);
    if (it == out.end()) return "<no table>";
    for (const auto& e : it->second)
        if (e.key == key) return e.value;
    return "<none>";
}

const Item* item_from(const Plan& plan, const std::string& source) {
    for (const auto& i : plan.items())
        if (i.source == source) return &i;
    return nullptr;
}

Domains domains() {
    Domains d;
    d.local = {"mx.example.test", "localhost"};
    d.virt = {"virt.example.test"};
    d.generics = {"mx.example.test", "g.example.test"};
    return d;
}

struct Case {
    const char* label;
    const char* key;
    const char* value;
    const char* table;    // output table
    const char* out_key;  // "" when not converted
    const char* out_value;
    Outcome outcome;
};

void run_cases(const std::vector<Case>& cases,
               const std::function<void(const SourceTable&, OutTables&, Plan&)>& convert) {
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        OutTables out;
        Plan plan;
        convert(table({{c.key, c.value}}), out, plan);
        const Item* i = item_from(plan, "tbl:1");
        ASSERT_NE(i, nullptr);
        EXPECT_EQ(i->outcome, c.outcome) << i->note;
        if (*c.out_key) EXPECT_EQ(lookup(out, c.table, c.out_key), c.out_value);
        else EXPECT_TRUE(out.empty());
    }
}

TEST(ConvertVirtuser, EachSendmailFormBecomesItsPosternKeyOrIsReported) {
    auto d = domains();
    run_cases(
        {
            {"plain address", "info@virt.example.test", "alice", "virtual", "info@virt.example.test", "alice",
             Outcome::Converted},
            {"local domain", "sales@mx.example.test", "bob@other.test", "virtual", "sales@mx.example.test",
             "bob@other.test", Outcome::Converted},
            {"catch-all to a user", "@virt.example.test", "carol", "virtual", "@virt.example.test", "carol",
             Outcome::Converted},
            {"catch-all %1", "@virt.example.test", "%1@other.test", "virtual", "@virt.example.test", "@other.test",
             Outcome::ConvertedWithNote},
            {"catch-all %1%3 keeps +detail exactly", "@virt.example.test", "%1%3@other.test", "virtual",
             "@virt.example.test", "@other.test", Outcome::Converted},
            {"%1 in a plain key is the user", "dave@virt.example.test", "%1@other.test", "virtual",
             "dave@virt.example.test", "dave@other.test", Outcome::Converted},
            {"user+* without user", "eve+*@virt.example.test", "eve-lists", "virtual", "eve@virt.example.test",
             "eve-lists", Outcome::ConvertedWithNote},
            {"error with DSN", "old@virt.example.test", "error:5.7.1:550 gone", "transport", "old@virt.example.test",
             "error:5.7.1 gone", Outcome::ConvertedWithNote},
            {"error catch-all is the domain", "@virt.example.test", "error:nouser No such user", "transport",
             "virt.example.test", "error:5.1.1 No such user", Outcome::ConvertedWithNote},
            {"foreign domain is never looked up", "x@elsewhere.test", "alice", "", "", "", Outcome::NotConverted},
            {"no @ is never looked up", "justuser", "alice", "", "", "", Outcome::NotConverted},
            {"+* for every user", "+*@virt.example.test", "alice", "", "", "", Outcome::NotConverted},
            {"%2 needs the detail", "@virt.example.test", "%2@other.test", "", "", "", Outcome::NotConverted},
        },
        [&](const SourceTable& t, OutTables& o, Plan& p) { convert_virtuser(t, d, o, p); });
}

TEST(ConvertVirtuser, UserPlusStarBesideUserCannotBeTold) {
    OutTables out;
    Plan plan;
    convert_virtuser(table({{"eve@virt.example.test", "eve1"}, {"eve+*@virt.example.test", "eve2"}}), domains(), out,
                     plan);
    EXPECT_EQ(lookup(out, "virtual", "eve@virt.example.test"), "eve1");
    EXPECT_EQ(item_from(plan, "tbl:2")->outcome, Outcome::NotConverted);
}

TEST(ConvertMailertable, RoutesBecomeTransports) {
    Domains none;
    run_cases(
        {
            {"esmtp bracketed", "example.org", "esmtp:[mx.example.org]", "transport", "example.org",
             "smtp:[mx.example.org]", Outcome::Converted},
            {"relay with MX", ".sub.example.org", "relay:gw.example.org", "transport", ".sub.example.org",
             "smtp:gw.example.org", Outcome::Converted},
            {"catch-all dot", ".", "smtp:[smart.example.org]", "transport", "*", "smtp:[smart.example.org]",
             Outcome::Converted},
            {"local", "lan.example.org", "local:", "transport", "lan.example.org", "local:", Outcome::Converted},
            {"error dsn", "bad.example.org", "error:5.7.1:550 not here", "transport", "bad.example.org",
             "error:5.7.1 not here", Outcome::Converted},
            {"error keyword", "gone.example.org", "error:nohost host gone", "transport", "gone.example.org",
             "error:5.1.2 host gone", Outcome::Converted},
            {"local:user", "one.example.org", "local:bob", "", "", "", Outcome::NotConverted},
            {"procmail", "p.example.org", "procmail:/etc/procmailrc", "", "", "", Outcome::NotConverted},
            {"address key", "a@b.example", "esmtp:x", "", "", "", Outcome::NotConverted},
        },
        [&](const SourceTable& t, OutTables& o, Plan& p) { convert_mailertable(t, none, o, p); });
}

TEST(ConvertMailertable, LocalDomainsStayLocalUnderACatchAll) {
    OutTables out;
    Plan plan;
    convert_mailertable(table({{".", "esmtp:[smart.example.org]"}, {"mx.example.test", "esmtp:[x]"}}), domains(), out,
                        plan);
    EXPECT_EQ(lookup(out, "transport", "*"), "smtp:[smart.example.org]");
    EXPECT_EQ(lookup(out, "transport", "mx.example.test"), "local:");
    EXPECT_EQ(lookup(out, "transport", "localhost"), "local:");
    EXPECT_EQ(item_from(plan, "tbl:2")->outcome, Outcome::NotConverted);
}

TEST(ConvertGenerics, OnlyClassGDomainsAndBareUsersPerDomain) {
    auto d = domains();
    run_cases(
        {
            {"address in G", "alice@mx.example.test", "alice.smith@example.test", "sender_canonical",
             "alice@mx.example.test", "alice.smith@example.test", Outcome::Converted},
            {"bare user, first G domain", "bob", "bob.jones@example.test", "sender_canonical", "bob@g.example.test",
             "bob.jones@example.test", Outcome::ConvertedWithNote},
            {"catch-all %1", "@g.example.test", "%1@example.test", "sender_canonical", "@g.example.test",
             "@example.test", Outcome::ConvertedWithNote},
            {"not in G", "x@other.test", "y@example.test", "", "", "", Outcome::NotConverted},
        },
        [&](const SourceTable& t, OutTables& o, Plan& p) { convert_generics(t, d, o, p); });
}

TEST(ConvertGenerics, BareUserYieldsToTheDomainsOwnKeys) {
    OutTables out;
    Plan plan;
    convert_generics(table({{"bob", "b1@example.test"}, {"bob@mx.example.test", "b2@example.test"}}), domains(), out,
                     plan);
    EXPECT_EQ(lookup(out, "sender_canonical", "bob@mx.example.test"), "b2@example.test");
    EXPECT_EQ(lookup(out, "sender_canonical", "bob@g.example.test"), "b1@example.test");
}

TEST(ConvertDomaintable, DomainsBecomeCanonicalCatchAlls) {
    run_cases({{"domain", "old.example", "new.example", "canonical", "@old.example", "@new.example", Outcome::Converted},
               {"address", "a@old.example", "new.example", "", "", "", Outcome::NotConverted}},
              [](const SourceTable& t, OutTables& o, Plan& p) { convert_domaintable(t, o, p); });
}

TEST(ConvertAccess, TagsSplitIntoTablesAndActionsTranslate) {
    run_cases(
        {
            {"connect ip relay", "connect:192.0.2", "RELAY", "client_access", "192.0.2", "RELAY", Outcome::Converted},
            {"from reject", "from:spammer@example.org", "REJECT", "sender_access", "spammer@example.org",
             "550 5.7.1 Access denied", Outcome::Converted},
            {"to error quoted", "to:abuse@mx.example.test", "ERROR:\"550 5.7.1 not here\"", "recipient_access",
             "abuse@mx.example.test", "550 5.7.1 not here", Outcome::Converted},
            {"error dsn first", "from:x.example", "ERROR:5.7.0:550 go away", "sender_access", "x.example",
             "550 5.7.0 go away", Outcome::Converted},
            {"discard", "from:noise.example", "DISCARD", "sender_access", "noise.example", "DISCARD",
             Outcome::Converted},
            {"skip", "to:example.org", "SKIP", "recipient_access", "example.org", "DUNNO", Outcome::Converted},
            {"ipv6 uncompressed", "connect:ipv6:2001:0db8:0:0:0:0:0:1", "REJECT", "client_access", "2001:db8::1",
             "550 5.7.1 Access denied", Outcome::ConvertedWithNote},
            {"untagged goes everywhere", "10.1", "OK", "sender_access", "10.1", "OK", Outcome::Converted},
            {"unknown tag", "spam:abuse@example.org", "FRIEND", "", "", "", Outcome::NotConverted},
            {"unknown action", "from:a.example", "TEMP", "", "", "", Outcome::NotConverted},
        },
        [](const SourceTable& t, OutTables& o, Plan& p) { convert_access(t, o, p); });
}

TEST(ConvertAccess, ATaggedKeyWinsOverTheSameUntaggedKey) {
    OutTables out;
    Plan plan;
    convert_access(table({{"example.org", "REJECT"}, {"connect:example.org", "OK"}}), out, plan);
    EXPECT_EQ(lookup(out, "client_access", "example.org"), "OK");
    EXPECT_EQ(lookup(out, "sender_access", "example.org"), "550 5.7.1 Access denied");
    EXPECT_EQ(lookup(out, "recipient_access", "example.org"), "550 5.7.1 Access denied");
}

TEST(ConvertAliases, TargetsAreRequotedSoPosternReadsThemBack) {
    OutTables out;
    Plan plan;
    convert_aliases(table({{"postmaster", "root"},
                           {"lists", "\"|/usr/bin/list a,b\", alice,\n\tbob"},
                           {"bad", "\"unterminated"}}),
                    "aliases", out, plan);
    EXPECT_EQ(lookup(out, "aliases", "postmaster"), "root");
    EXPECT_EQ(lookup(out, "aliases", "lists"), "\"|/usr/bin/list a,b\", alice, bob");
    EXPECT_EQ(item_from(plan, "tbl:3")->outcome, Outcome::NotConverted);
}

TEST(ConvertHelpers, ErrorTextAndIpv6Keys) {
    EXPECT_EQ(error_text("550 mailbox gone"), "5.0.0 mailbox gone");
    EXPECT_EQ(error_text("4.4.1:450 try later"), "4.4.1 try later");
    EXPECT_EQ(ipv6_key("2001:0DB8:0:0:0:0:0:0001"), "2001:db8::1");
    EXPECT_EQ(ipv6_key("2001:0db8:0042"), "2001:db8:42");
}

}  // namespace
}  // namespace postern::migrate
