#include "qmgr_schedule.hpp"

#include <gtest/gtest.h>

namespace postern::qmgr {
namespace {

ConcurrencyLimits limits() {
    ConcurrencyLimits l;
    l.local_transport = "local";
    l.process_limit = {{"local", 0}, {"smtp", 3}};
    l.default_process_limit = 5;
    l.local_destination_concurrency = 2;
    l.default_destination_concurrency = 2;
    l.local_recipient_limit = 1;
    l.default_recipient_limit = 50;
    return l;
}

std::vector<RoutedRecipient> routed(std::size_t n, Route route, std::string prefix = "u") {
    std::vector<RoutedRecipient> out;
    for (std::size_t i = 0; i < n; ++i)
        out.push_back({i, prefix + std::to_string(i) + "@" + route.nexthop, route});
    return out;
}

TEST(QmgrSchedule, LimitsFromServicesTable) {
    auto l = limits();
    EXPECT_EQ(l.transport_limit("local"), 5) << "'-' (0) means default_process_limit";
    EXPECT_EQ(l.transport_limit("smtp"), 3);
    EXPECT_EQ(l.transport_limit("unknown"), 5);
    EXPECT_EQ(l.recipient_limit("local"), 1);
    EXPECT_EQ(l.recipient_limit("smtp"), 50);
}

TEST(QmgrSchedule, LocalRecipientsGetOneRequestEach) {
    auto reqs = plan_requests("ID", routed(3, {"local", "localhost"}), limits());
    ASSERT_EQ(reqs.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(reqs[i].recipients, std::vector<std::size_t>{i});
        EXPECT_EQ(reqs[i].destination, "u" + std::to_string(i) + "@localhost")
            << "recipient limit 1: concurrency is counted per recipient";
    }
}

TEST(QmgrSchedule, RemoteRecipientsGroupedUpToTheRecipientLimit) {
    auto at_limit = plan_requests("ID", routed(50, {"smtp", "example.com"}), limits());
    ASSERT_EQ(at_limit.size(), 1u);
    EXPECT_EQ(at_limit[0].recipients.size(), 50u);
    EXPECT_EQ(at_limit[0].destination, "example.com");

    auto over = plan_requests("ID", routed(51, {"smtp", "example.com"}), limits());
    ASSERT_EQ(over.size(), 2u) << "limit+1 recipients need a second request";
    EXPECT_EQ(over[0].recipients.size(), 50u);
    EXPECT_EQ(over[1].recipients, std::vector<std::size_t>{50});
}

TEST(QmgrSchedule, GroupsByTransportAndNexthopInFirstSeenOrder) {
    std::vector<RoutedRecipient> r = {
        {0, "a@x.com", {"smtp", "x.com"}},
        {1, "b@y.com", {"smtp", "y.com"}},
        {2, "c@x.com", {"smtp", "x.com"}},
        {3, "d@localhost", {"local", "localhost"}},
    };
    auto reqs = plan_requests("ID", r, limits());
    ASSERT_EQ(reqs.size(), 3u);
    EXPECT_EQ(reqs[0].route, (Route{"smtp", "x.com"}));
    EXPECT_EQ(reqs[0].recipients, (std::vector<std::size_t>{0, 2}));
    EXPECT_EQ(reqs[1].route, (Route{"smtp", "y.com"}));
    EXPECT_EQ(reqs[2].route, (Route{"local", "localhost"}));
    for (const auto& q : reqs) EXPECT_EQ(q.message_id, "ID");
}

TEST(QmgrSchedule, NoRecipientsNoRequests) { EXPECT_TRUE(plan_requests("ID", {}, limits()).empty()); }

TEST(QmgrSchedule, DestinationLimitRefusesLimitPlusOne) {
    Concurrency c(limits());
    EXPECT_TRUE(c.can_start("smtp", "x.com"));
    c.started("smtp", "x.com");
    c.started("smtp", "x.com");
    EXPECT_FALSE(c.can_start("smtp", "x.com")) << "third to one destination exceeds limit 2";
    EXPECT_TRUE(c.can_start("smtp", "y.com"));
    c.finished("smtp", "x.com");
    EXPECT_TRUE(c.can_start("smtp", "x.com"));
}

TEST(QmgrSchedule, TransportLimitRefusesLimitPlusOne) {
    Concurrency c(limits());
    c.started("smtp", "a");
    c.started("smtp", "b");
    c.started("smtp", "c");
    EXPECT_TRUE(c.transport_full("smtp"));
    EXPECT_FALSE(c.can_start("smtp", "d")) << "maxproc 3";
    EXPECT_TRUE(c.can_start("local", "d")) << "other transports are counted apart";
    EXPECT_EQ(c.in_flight("smtp"), 3);
    EXPECT_EQ(c.total(), 3);
    c.finished("smtp", "a");
    EXPECT_TRUE(c.can_start("smtp", "d"));
    EXPECT_EQ(c.in_flight("smtp", "a"), 0);
}

TEST(QmgrSchedule, FinishingUnknownWorkIsHarmless) {
    Concurrency c(limits());
    c.finished("smtp", "nowhere");
    EXPECT_EQ(c.total(), 0);
    EXPECT_EQ(c.in_flight("smtp"), 0);
}

PlannedRequest req(std::string id, std::string transport, std::string dest) {
    return PlannedRequest{std::move(id), {transport, dest}, dest, {0}};
}

TEST(QmgrSchedule, RunQueueStartsOnlyWhatLimitsAllow) {
    RunQueue q;
    for (int i = 0; i < 4; ++i) q.add(req("m" + std::to_string(i), "smtp", "x.com"));
    Concurrency c(limits());
    auto first = q.take_startable(c);
    ASSERT_EQ(first.size(), 2u) << "destination limit 2";
    EXPECT_EQ(first[0].message_id, "m0");
    EXPECT_EQ(first[1].message_id, "m1");
    EXPECT_EQ(q.size(), 2u);
    EXPECT_TRUE(q.take_startable(c).empty());
    c.finished("smtp", "x.com");
    auto next = q.take_startable(c);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_EQ(next[0].message_id, "m2") << "FIFO within a destination";
}

TEST(QmgrSchedule, RunQueueRotatesOverDestinations) {
    auto l = limits();
    l.process_limit["smtp"] = 1;
    RunQueue q;
    q.add(req("a1", "smtp", "a.com"));
    q.add(req("a2", "smtp", "a.com"));
    q.add(req("b1", "smtp", "b.com"));
    Concurrency c(l);
    std::vector<std::string> order;
    for (int i = 0; i < 3; ++i) {
        auto got = q.take_startable(c);
        ASSERT_EQ(got.size(), 1u);
        order.push_back(got[0].message_id);
        c.finished("smtp", got[0].destination);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"a1", "b1", "a2"})) << "b.com is not starved by a.com";
    EXPECT_EQ(q.size(), 0u);
}

}  // namespace
}  // namespace postern::qmgr
