// canonical, virtual and relocated semantics, and the key search order.
#include <gtest/gtest.h>

#include "maps/address_tables.hpp"
#include "maps_test_util.hpp"

namespace postern::maps {
namespace {

using test::list_of;
using test::ScriptedMap;

SearchOptions local_is(std::string domain) {
    SearchOptions o;
    o.is_local = [domain](std::string_view d) { return d == domain; };
    return o;
}

TEST(AddressKeys, PostfixOrderWithExtensionForALocalDomain) {
    std::vector<std::string> keys;
    for (auto& k : address_keys("User+Ext@Local.Test", local_is("local.test"))) keys.push_back(k.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"user+ext@local.test", "user@local.test", "user+ext", "user",
                                              "@local.test"}));
}

TEST(AddressKeys, BareUserFormsOnlyForLocalDomains) {
    std::vector<std::string> keys;
    for (auto& k : address_keys("user@remote.test", local_is("local.test"))) keys.push_back(k.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"user@remote.test", "@remote.test"}));
}

TEST(AddressKeys, DelimiterAtEitherEndIsNotAnExtension) {
    auto p = split_address("+list@x", "+");
    EXPECT_EQ(p.user, "+list");
    EXPECT_EQ(p.extension, "");
    auto q = split_address("a-b-c@x", "-+");
    EXPECT_EQ(q.user, "a");
    EXPECT_EQ(q.extension, "b-c");
}

TEST(Canonical, RewritesAndPropagatesUnmatchedExtension) {
    struct Case { const char* label; const char* in; const char* want; LookupStatus status; };
    const Case cases[] = {
        {"exact", "alice@local.test", "Alice.Smith@example.org", LookupStatus::Found},
        {"extension propagated", "alice+news@local.test", "Alice.Smith+news@example.org", LookupStatus::Found},
        {"extension key wins", "alice+x@local.test", "special@example.org", LookupStatus::Found},
        {"bare user for local domain", "bob@local.test", "robert@example.org", LookupStatus::Found},
        {"domain rewrite keeps user", "carol@old.test", "carol@new.test", LookupStatus::Found},
        {"no match keeps address", "dave@remote.test", "dave@remote.test", LookupStatus::NotFound},
    };
    auto maps = list_of({{"alice@local.test", "Alice.Smith@example.org"},
                         {"alice+x@local.test", "special@example.org"},
                         {"bob", "robert@example.org"},
                         {"@old.test", "@new.test"}});
    for (const Case& c : cases) {
        Rewrite r = canonical_rewrite(maps, c.in, local_is("local.test"));
        EXPECT_EQ(r.status, c.status) << c.label;
        EXPECT_EQ(r.address, c.want) << c.label;
    }
}

TEST(Canonical, TemporaryFailureIsNotNotFound) {
    auto maps = list_of({{"@local.test", "x"}}, {"user@local.test"});
    Rewrite r = canonical_rewrite(maps, "user@local.test", local_is("local.test"));
    EXPECT_EQ(r.status, LookupStatus::TempFail);
    EXPECT_NE(r.error.find("server down"), std::string::npos);
}

TEST(Virtual, ExpandsRecursivelyWithCatchAllAndSelfReference) {
    auto maps = list_of({{"sales@v.test", "alice@v.test, bob@remote.test"},
                         {"alice@v.test", "alice@v.test, alice@archive.test"},
                         {"@v.test", "catchall@hub.test"}});
    Expansion e = virtual_expand(maps, "sales@v.test", SearchOptions{}, VirtualLimits{});
    ASSERT_EQ(e.status, Expansion::Status::Expanded);
    EXPECT_EQ(e.addresses,
              (std::vector<std::string>{"alice@v.test", "alice@archive.test", "bob@remote.test"}));
    Expansion c = virtual_expand(maps, "nobody@v.test", SearchOptions{}, VirtualLimits{});
    EXPECT_EQ(c.addresses, (std::vector<std::string>{"catchall@hub.test"}));
    Expansion u = virtual_expand(maps, "x@elsewhere.test", SearchOptions{}, VirtualLimits{});
    EXPECT_EQ(u.status, Expansion::Status::Unchanged);
    EXPECT_EQ(u.addresses, (std::vector<std::string>{"x@elsewhere.test"}));
}

TEST(Virtual, LoopsAndOversizedListsHitTheLimits) {
    auto loop = list_of({{"a@v.test", "b@v.test"}, {"b@v.test", "a@v.test"}});
    VirtualLimits limits{5, 3};
    Expansion e = virtual_expand(loop, "a@v.test", SearchOptions{}, limits);
    EXPECT_EQ(e.status, Expansion::Status::LimitExceeded);
    EXPECT_NE(e.error.find("virtual_alias_recursion_limit"), std::string::npos);
    // expansion limit 3: three targets pass, four (limit+1) do not.
    auto three = list_of({{"l@v.test", "1@x, 2@x, 3@x"}});
    EXPECT_EQ(virtual_expand(three, "l@v.test", SearchOptions{}, limits).status, Expansion::Status::Expanded);
    auto four = list_of({{"l@v.test", "1@x, 2@x, 3@x, 4@x"}});
    Expansion f = virtual_expand(four, "l@v.test", SearchOptions{}, limits);
    EXPECT_EQ(f.status, Expansion::Status::LimitExceeded);
    EXPECT_NE(f.error.find("virtual_alias_expansion_limit"), std::string::npos);
}

TEST(Virtual, TemporaryFailureDefersTheWholeExpansion) {
    auto maps = list_of({{"l@v.test", "a@v.test, b@v.test"}}, {"b@v.test"});
    Expansion e = virtual_expand(maps, "l@v.test", SearchOptions{}, VirtualLimits{});
    EXPECT_EQ(e.status, Expansion::Status::TempFail);
    EXPECT_TRUE(e.addresses.empty());
}

TEST(Relocated, RepliesWithTheNewAddress) {
    auto maps = list_of({{"old@v.test", "new@elsewhere.test"}, {"@gone.test", "contact@hq.test"}});
    Relocation r = relocated_lookup(maps, "old+tag@v.test", SearchOptions{});
    ASSERT_EQ(r.status, LookupStatus::Found);
    EXPECT_EQ(r.reply, "550 5.1.6 User has moved to new@elsewhere.test");
    EXPECT_EQ(relocated_lookup(maps, "x@gone.test", SearchOptions{}).reply,
              "550 5.1.6 User has moved to contact@hq.test");
    EXPECT_EQ(relocated_lookup(maps, "x@v.test", SearchOptions{}).status, LookupStatus::NotFound);
}

TEST(MapList, BrokenTableStopsTheSearchWithTemporaryFailure) {
    auto maps = MapList::open("virtual_alias_maps", {"hash:/nonexistent/postern/table", "static:x"}, {});
    Lookup r = maps.lookup("anything");
    EXPECT_TRUE(r.is_temp_fail());
    EXPECT_NE(r.error().find("virtual_alias_maps: hash:/nonexistent/postern/table"), std::string::npos)
        << r.error();
}

}  // namespace
}  // namespace postern::maps
