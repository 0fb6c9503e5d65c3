// transport_maps and relocated_maps decisions in front of built-in routing.
#include "qmgr_route.hpp"

#include <gtest/gtest.h>

#include "maps/registry.hpp"

namespace postern::qmgr {
namespace {

using Status = ipc::RecipientResult::Status;

// A table that cannot be consulted.
class BrokenMap : public maps::Map {
public:
    BrokenMap() : Map("ldap:/broken.cf") {}
    maps::Lookup lookup(std::string_view) override { return maps::Lookup::temp_fail(failure("server down")); }
};

maps::MapList inline_list(const std::string& title, const std::string& spec) {
    return maps::MapList::open(title, {spec}, maps::MapOptions{});
}

class RouteTest : public ::testing::Test {
protected:
    void SetUp() override {
        routing_.mydestination = {"example.test"};
        routing_.relayhost = "";
        tables_.search.is_local = [](std::string_view d) { return d == "example.test"; };
    }
    RoutingTable routing_;
    RouteTables tables_;
};

TEST_F(RouteTest, NoTablesKeepsBuiltInRouting) {
    auto d = decide_route(tables_, "bob@remote.test", routing_);
    EXPECT_FALSE(d.verdict);
    EXPECT_EQ(d.route, resolve_recipient("bob@remote.test", routing_));
}

TEST_F(RouteTest, TransportEntryOverridesTransportAndNexthop) {
    tables_.transport = inline_list("transport_maps", "inline:{remote.test=smtp:[mx.other.test]:2525, "
                                                      "local.test=local:}");
    auto d = decide_route(tables_, "bob@remote.test", routing_);
    ASSERT_FALSE(d.verdict);
    EXPECT_EQ(d.route.transport, "smtp");
    EXPECT_EQ(d.route.nexthop, "[mx.other.test]:2525");
    d = decide_route(tables_, "bob@local.test", routing_);
    EXPECT_EQ(d.route.transport, "local");
    EXPECT_EQ(d.route.nexthop, "local.test");
}

TEST_F(RouteTest, ErrorTransportBouncesOrDefersByItsCode) {
    tables_.transport = inline_list("transport_maps", "inline:{a.test=error:5.1.2 no such domain, "
                                                      "b.test=error:4.4.1 try later, c.test=error:gone}");
    auto a = decide_route(tables_, "x@a.test", routing_);
    ASSERT_TRUE(a.verdict);
    EXPECT_EQ(a.verdict->status, Status::Bounced);
    EXPECT_EQ(a.verdict->dsn, "5.1.2");
    EXPECT_EQ(a.verdict->reason, "no such domain");
    auto b = decide_route(tables_, "x@b.test", routing_);
    ASSERT_TRUE(b.verdict);
    EXPECT_EQ(b.verdict->status, Status::Deferred);
    EXPECT_EQ(b.verdict->dsn, "4.4.1");
    auto c = decide_route(tables_, "x@c.test", routing_);
    ASSERT_TRUE(c.verdict);
    EXPECT_EQ(c.verdict->status, Status::Bounced);
    EXPECT_EQ(c.verdict->dsn, "5.0.0");
}

TEST_F(RouteTest, RelocatedUserBounces516WithTheNewAddress) {
    tables_.relocated = inline_list("relocated_maps", "inline:{alice@example.test=alice@new.test}");
    auto d = decide_route(tables_, "alice@example.test", routing_);
    ASSERT_TRUE(d.verdict);
    EXPECT_EQ(d.verdict->status, Status::Bounced);
    EXPECT_EQ(d.verdict->dsn, "5.1.6");
    EXPECT_EQ(d.verdict->reason, "User has moved to alice@new.test");
    EXPECT_FALSE(decide_route(tables_, "bob@example.test", routing_).verdict);
}

TEST_F(RouteTest, TableTempFailDefersNeverBounces) {
    std::vector<std::unique_ptr<maps::Map>> broken;
    broken.push_back(std::make_unique<BrokenMap>());
    tables_.transport = maps::MapList::of("transport_maps", std::move(broken));
    auto d = decide_route(tables_, "bob@remote.test", routing_);
    ASSERT_TRUE(d.verdict);
    EXPECT_EQ(d.verdict->status, Status::Deferred);
    EXPECT_EQ(d.verdict->dsn, "4.3.0");
    broken.clear();
    broken.push_back(std::make_unique<BrokenMap>());
    RouteTables t2;
    t2.relocated = maps::MapList::of("relocated_maps", std::move(broken));
    auto r = decide_route(t2, "bob@remote.test", routing_);
    ASSERT_TRUE(r.verdict);
    EXPECT_EQ(r.verdict->status, Status::Deferred);
}

}  // namespace
}  // namespace postern::qmgr
