// transport_maps and access(5) semantics.
#include <gtest/gtest.h>

#include "maps/access_table.hpp"
#include "maps/transport_table.hpp"
#include "maps_test_util.hpp"

namespace postern::maps {
namespace {

using test::list_of;
using test::ScriptedMap;

TEST(Transport, SearchOrderAndResultForms) {
    auto maps = list_of({{"vip@example.test", "smtp:[mx.vip.test]:2525"},
                         {"example.test", "local:"},
                         {".sub.test", "relay:gw.test"},
                         {"bad.test", "error:5.1.2 no such domain"},
                         {"*", ":fallback.test"}});
    struct Case { const char* label; const char* addr; const char* transport; const char* nexthop; const char* key; };
    const Case cases[] = {
        {"full address", "VIP+x@example.test", "smtp", "[mx.vip.test]:2525", "vip@example.test"},
        {"domain", "a@example.test", "local", "", "example.test"},
        {"parent domain", "a@deep.mail.sub.test", "relay", "gw.test", ".sub.test"},
        {"error transport", "a@bad.test", "error", "5.1.2 no such domain", "bad.test"},
        {"wildcard keeps default transport", "a@other.test", "", "fallback.test", "*"},
    };
    for (const Case& c : cases) {
        Route r = transport_lookup(maps, c.addr);
        ASSERT_EQ(r.status, LookupStatus::Found) << c.label;
        EXPECT_EQ(r.transport, c.transport) << c.label;
        EXPECT_EQ(r.nexthop, c.nexthop) << c.label;
        EXPECT_EQ(r.key, c.key) << c.label;
    }
}

TEST(Transport, SubdomainDoesNotMatchTheBareParentKey) {
    auto maps = list_of({{"example.test", "local:"}});
    EXPECT_EQ(transport_lookup(maps, "a@x.example.test").status, LookupStatus::NotFound);
}

TEST(Transport, TemporaryFailureIsReported) {
    auto maps = list_of({}, {"example.test"});
    EXPECT_EQ(transport_lookup(maps, "a@example.test").status, LookupStatus::TempFail);
}

TEST(Access, ParsesActions) {
    struct Case { const char* value; AccessAction action; const char* reply; };
    const Case cases[] = {
        {"OK", AccessAction::Ok, ""},
        {"12345", AccessAction::Ok, ""},
        {"RELAY", AccessAction::Relay, ""},
        {"REJECT", AccessAction::Reject, "554 5.7.1 Access denied"},
        {"reject go away", AccessAction::Reject, "554 5.7.1 go away"},
        {"DEFER try later", AccessAction::Defer, "450 4.7.1 try later"},
        {"550 5.7.0 custom", AccessAction::Reply, "550 5.7.0 custom"},
        {"421 busy", AccessAction::Reply, "421 4.7.1 busy"},
        {"HOLD check", AccessAction::Hold, "check"},
        {"DISCARD", AccessAction::Discard, ""},
    };
    for (const Case& c : cases) {
        AccessResult r = parse_access(c.value);
        ASSERT_EQ(r.status, LookupStatus::Found) << c.value;
        EXPECT_EQ(r.action, c.action) << c.value;
        EXPECT_EQ(r.reply, c.reply) << c.value;
    }
    EXPECT_EQ(parse_access("DUNNO").status, LookupStatus::NotFound);
    AccessResult bad = parse_access("PERMIT");
    EXPECT_EQ(bad.status, LookupStatus::TempFail);
    EXPECT_NE(bad.error.find("451 4.3.5"), std::string::npos);
    EXPECT_EQ(parse_access("250 fine").status, LookupStatus::TempFail);
}

TEST(Access, ClientAddressNetworksFromLongestToShortest) {
    ScriptedMap* seen = nullptr;
    auto maps = list_of({{"192.0.2", "REJECT"}}, {}, &seen);
    AccessResult r = access_client_address(maps, "192.0.2.7");
    EXPECT_EQ(r.action, AccessAction::Reject);
    EXPECT_EQ(r.key, "192.0.2");
    EXPECT_EQ(seen->seen, (std::vector<std::string>{"192.0.2.7", "192.0.2"}));
    auto v6 = list_of({{"2001:db8", "OK"}});
    EXPECT_EQ(access_client_address(v6, "2001:db8::1").action, AccessAction::Ok);
}

TEST(Access, HostNamesMatchParentDomains) {
    auto maps = list_of({{"example.test", "OK"}, {".spam.test", "REJECT"}});
    EXPECT_EQ(access_host_name(maps, "mail.example.test").action, AccessAction::Ok);
    EXPECT_EQ(access_host_name(maps, "a.b.spam.test").action, AccessAction::Reject);
    EXPECT_EQ(access_host_name(maps, "spam.test").status, LookupStatus::NotFound);
}

TEST(Access, AddressKeysAndDunnoStopsTheSearch) {
    ScriptedMap* seen = nullptr;
    auto maps = list_of({{"postmaster@", "OK"}, {"example.test", "REJECT"}, {"boss@example.test", "DUNNO"}}, {},
                        &seen);
    EXPECT_EQ(access_address(maps, "user@example.test").action, AccessAction::Reject);
    EXPECT_EQ(access_address(maps, "boss@example.test").status, LookupStatus::NotFound);
    EXPECT_EQ(access_address(maps, "postmaster@other.test").action, AccessAction::Ok);
    seen->seen.clear();
    (void)access_address(maps, "a+b@x.test");
    EXPECT_EQ(seen->seen, (std::vector<std::string>{"a+b@x.test", "a@x.test", "x.test", "test", ".test", "a+b@",
                                                    "a@"}));
}

TEST(Access, UnreadableTableIsTemporaryFailure) {
    auto maps = list_of({}, {"10.1.2.3"});
    EXPECT_EQ(access_client_address(maps, "10.1.2.3").status, LookupStatus::TempFail);
}

}  // namespace
}  // namespace postern::maps
