// Slow start, site-failure feedback and round-robin service across
// destinations (qmgr_schedule.hpp states the rule these tests pin down).
#include <gtest/gtest.h>

#include "qmgr_schedule.hpp"

namespace postern::qmgr {
namespace {

using RS = ipc::RecipientResult::Status;

ConcurrencyLimits limits(int initial = 5, int dest_limit = 20) {
    ConcurrencyLimits l;
    l.process_limit = {{"smtp", 100}};
    l.default_destination_concurrency = dest_limit;
    l.local_destination_concurrency = 2;
    l.initial_destination_concurrency = initial;
    return l;
}

int startable(Concurrency& c, const std::string& dest) {
    int n = 0;
    while (c.can_start("smtp", dest)) {
        c.started("smtp", dest);
        ++n;
    }
    return n;
}

TEST(QmgrWindow, StartsAtTheInitialConcurrency) {
    Concurrency c(limits(5));
    EXPECT_EQ(c.window("smtp", "x.com"), 5);
    EXPECT_EQ(startable(c, "x.com"), 5) << "a sixth request waits while slow start has not grown";
    EXPECT_EQ(startable(c, "y.com"), 5) << "each destination has its own window";
}

TEST(QmgrWindow, InitialWindowIsClampedToTheDestinationLimit) {
    Concurrency c(limits(5));
    EXPECT_EQ(c.window("local", "alice@localhost"), 2) << "local_destination_concurrency_limit 2";
    Concurrency small(limits(5, 3));
    EXPECT_EQ(small.window("smtp", "x.com"), 3);
}

TEST(QmgrWindow, GrowsByOneAfterAWindowOfSuccesses) {
    Concurrency c(limits(5));
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(c.feedback("smtp", "x.com", Feedback::Success));
    EXPECT_EQ(c.window("smtp", "x.com"), 5) << "4 x 1/5 is not yet a whole slot";
    c.feedback("smtp", "x.com", Feedback::Success);
    EXPECT_EQ(c.window("smtp", "x.com"), 6);
    for (int i = 0; i < 6; ++i) c.feedback("smtp", "x.com", Feedback::Success);
    EXPECT_EQ(c.window("smtp", "x.com"), 7) << "then 6 successes (1/6 each) for the next slot";
}

TEST(QmgrWindow, NeverGrowsPastTheDestinationLimit) {
    Concurrency c(limits(5, 6));
    for (int i = 0; i < 200; ++i) c.feedback("smtp", "x.com", Feedback::Success);
    EXPECT_EQ(c.window("smtp", "x.com"), 6);
}

TEST(QmgrWindow, SiteFailuresShrinkTheWindowButNotBelowOne) {
    auto l = limits(5);
    l.failed_cohort_limit = 0;  // never dead: only the shrinking is watched
    Concurrency c(l);
    for (int i = 0; i < 4; ++i) c.feedback("smtp", "x.com", Feedback::SiteFailure);
    EXPECT_EQ(c.window("smtp", "x.com"), 5) << "4 x 1/5 is not yet a whole slot";
    c.feedback("smtp", "x.com", Feedback::SiteFailure);
    EXPECT_EQ(c.window("smtp", "x.com"), 4);
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(c.feedback("smtp", "x.com", Feedback::SiteFailure));
    EXPECT_EQ(c.window("smtp", "x.com"), 1);
}

TEST(QmgrWindow, DeadAfterOneFailedCohortInARow) {
    Concurrency c(limits(5));
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(c.feedback("smtp", "x.com", Feedback::SiteFailure)) << i;
    EXPECT_TRUE(c.feedback("smtp", "x.com", Feedback::SiteFailure))
        << "five site failures at a window near 5 make one failed cohort";
    EXPECT_EQ(c.window("smtp", "x.com"), 5) << "after death the window starts over";
}

TEST(QmgrWindow, WindowOfOneDiesAtTheFirstSiteFailure) {
    Concurrency c(limits(1));
    EXPECT_TRUE(c.feedback("smtp", "x.com", Feedback::SiteFailure));
}

TEST(QmgrWindow, ASuccessClearsTheFailedCohorts) {
    Concurrency c(limits(5));
    for (int i = 0; i < 4; ++i) c.feedback("smtp", "x.com", Feedback::SiteFailure);
    c.feedback("smtp", "x.com", Feedback::Success);
    for (int i = 0; i < 4; ++i) EXPECT_FALSE(c.feedback("smtp", "x.com", Feedback::SiteFailure)) << i;
}

TEST(QmgrWindow, IdleDestinationsAreForgottenAndStartSlowAgain) {
    Concurrency c(limits(5));
    for (int i = 0; i < 20; ++i) c.feedback("smtp", "x.com", Feedback::Success);
    EXPECT_GT(c.window("smtp", "x.com"), 5);
    c.started("smtp", "x.com");
    c.forget_if_idle("smtp", "x.com");
    EXPECT_GT(c.window("smtp", "x.com"), 5) << "kept while a request is in flight";
    c.finished("smtp", "x.com");
    c.forget_if_idle("smtp", "x.com");
    EXPECT_EQ(c.window("smtp", "x.com"), 5);
    EXPECT_EQ(c.tracked_destinations(), 0u) << "memory is bounded by the busy destinations";
}

TEST(QmgrWindow, IdleFailuresAreRememberedUntilTheNextScan) {
    Concurrency c(limits(2));
    c.feedback("smtp", "down.com", Feedback::SiteFailure);
    c.forget_if_idle("smtp", "down.com");
    EXPECT_TRUE(c.feedback("smtp", "down.com", Feedback::SiteFailure))
        << "two failures one message at a time still make a failed cohort of window 2";
    c.feedback("smtp", "down.com", Feedback::SiteFailure);
    c.forget_idle_failures();
    EXPECT_EQ(c.tracked_destinations(), 0u);
}

PlannedRequest req(const std::string& id, const std::string& dest) { return PlannedRequest{id, {"smtp", dest}, dest, {0}}; }

TEST(QmgrWindow, FreeSlotsAreSharedOneDestinationAtATime) {
    auto l = limits(5);
    l.process_limit["smtp"] = 4;
    RunQueue q;
    for (const char* d : {"a.com", "b.com", "c.com"})
        for (int i = 1; i <= 10; ++i) q.add(req(std::string(1, d[0]) + std::to_string(i), d));
    Concurrency c(l);
    std::vector<std::string> got;
    for (auto& r : q.take_startable(c)) got.push_back(r.message_id);
    EXPECT_EQ(got, (std::vector<std::string>{"a1", "b1", "c1", "a2"}))
        << "a.com's ten requests do not take all four slots";
    c.finished("smtp", "a.com");
    got.clear();
    for (auto& r : q.take_startable(c)) got.push_back(r.message_id);
    EXPECT_EQ(got, (std::vector<std::string>{"b2"})) << "the next free slot goes to the one after a.com";
}

TEST(QmgrWindow, ASlowDestinationOnlyHoldsItsOwnWindow) {
    RunQueue q;
    for (int i = 0; i < 50; ++i) q.add(req("dead" + std::to_string(i), "dead.com"));
    for (int i = 0; i < 3; ++i) q.add(req("live" + std::to_string(i), "live.com"));
    Concurrency c(limits(5));
    int dead = 0, live = 0;
    for (auto& r : q.take_startable(c)) (r.destination == "dead.com" ? dead : live)++;
    EXPECT_EQ(dead, 5) << "the dead site gets its initial window, no more";
    EXPECT_EQ(live, 3);
}

TEST(QmgrWindow, TakeDestinationEmptiesOnlyThatDestination) {
    RunQueue q;
    q.add(req("d1", "dead.com"));
    q.add(req("d2", "dead.com"));
    q.add(req("l1", "live.com"));
    auto taken = q.take_destination("smtp", "dead.com");
    ASSERT_EQ(taken.size(), 2u);
    EXPECT_EQ(taken[0].message_id, "d1");
    EXPECT_FALSE(q.has("smtp", "dead.com"));
    EXPECT_TRUE(q.has("smtp", "live.com"));
    EXPECT_EQ(q.size(), 1u);
    EXPECT_TRUE(q.take_destination("smtp", "nowhere").empty());
}

std::vector<ipc::RecipientResult> results(std::initializer_list<std::pair<RS, const char*>> rs) {
    std::vector<ipc::RecipientResult> out;
    for (auto [s, dsn] : rs) out.push_back({0, s, dsn, "why"});
    return out;
}

TEST(QmgrWindow, SiteFailureMeansNoServerCouldBeUsed) {
    EXPECT_TRUE(is_site_failure(true, results({{RS::Deferred, "4.4.1"}, {RS::Deferred, "4.4.1"}})));
    EXPECT_TRUE(is_site_failure(true, results({{RS::Deferred, "4.4.3"}}))) << "DNS temporary failure";
    EXPECT_FALSE(is_site_failure(true, results({{RS::Deferred, "4.2.0"}}))) << "a 4xx to RCPT: the site answered";
    EXPECT_FALSE(is_site_failure(true, results({{RS::Deferred, "4.4.1"}, {RS::Delivered, "2.0.0"}})));
    EXPECT_FALSE(is_site_failure(true, results({{RS::Bounced, "5.1.2"}})));
    EXPECT_FALSE(is_site_failure(false, results({{RS::Deferred, "4.4.1"}}))) << "qmgr's own failure";
    EXPECT_FALSE(is_site_failure(true, {}));
}

}  // namespace
}  // namespace postern::qmgr
