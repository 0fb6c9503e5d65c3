#include "qmgr_deliver.hpp"

#include <poll.h>

#include <gtest/gtest.h>

#include "qmgr_test_util.hpp"

namespace postern::qmgr {
namespace {

using RS = ipc::RecipientResult::Status;

ipc::DeliverRequest request(std::vector<std::int64_t> offsets) {
    ipc::DeliverRequest r;
    r.queue_id = "QID";
    r.queue_file = "active/QID";
    r.sender = "alice@example.org";
    for (auto o : offsets) r.recipients.push_back({"rcpt" + std::to_string(o) + "@localhost", "", "", o});
    return r;
}

ipc::DeliverReply reply(std::vector<ipc::RecipientResult> results) { return ipc::DeliverReply{std::move(results)}; }

TEST(QmgrDeliver, MatchReplyAcceptsOneResultPerOffsetInAnyOrder) {
    auto got = match_reply(request({10, 20}), reply({{20, RS::Bounced, "5.1.1", "unknown user"},
                                                     {10, RS::Delivered, "2.0.0", "delivered"}}));
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(got->size(), 2u);
    EXPECT_EQ((*got)[0].offset, 10);
    EXPECT_EQ((*got)[0].status, RS::Delivered);
    EXPECT_EQ((*got)[1].offset, 20);
    EXPECT_EQ((*got)[1].status, RS::Bounced);
}

TEST(QmgrDeliver, MatchReplyFillsMissingStatusCode) {
    auto got = match_reply(request({1}), reply({{1, RS::Deferred, "", "try later"}}));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ((*got)[0].dsn, "4.0.0");
}

TEST(QmgrDeliver, MatchReplyRejectsMalformedReplies) {
    struct {
        const char* label;
        std::vector<ipc::RecipientResult> results;
    } cases[] = {
        {"too few results", {{10, RS::Delivered, "2.0.0", ""}}},
        {"too many results (limit+1)",
         {{10, RS::Delivered, "2.0.0", ""}, {20, RS::Delivered, "2.0.0", ""}, {30, RS::Delivered, "2.0.0", ""}}},
        {"unknown offset", {{10, RS::Delivered, "2.0.0", ""}, {99, RS::Delivered, "2.0.0", ""}}},
        {"repeated offset", {{10, RS::Delivered, "2.0.0", ""}, {10, RS::Delivered, "2.0.0", ""}}},
        {"status code of the wrong class", {{10, RS::Delivered, "5.0.0", ""}, {20, RS::Delivered, "2.0.0", ""}}},
        {"garbage status code", {{10, RS::Bounced, "5.x.1", ""}, {20, RS::Delivered, "2.0.0", ""}}},
        {"over-long status code part", {{10, RS::Bounced, "5.1234.1", ""}, {20, RS::Delivered, "2.0.0", ""}}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_FALSE(match_reply(request({10, 20}), reply(c.results)).ok());
    }
}

TEST(QmgrDeliver, DeferAllCoversEveryRecipient) {
    auto r = defer_all(request({1, 2, 3}), kTransportUnavailable);
    ASSERT_EQ(r.size(), 3u);
    for (const auto& x : r) {
        EXPECT_EQ(x.status, RS::Deferred);
        EXPECT_EQ(x.dsn, "4.3.0");
        EXPECT_EQ(x.reason, "mail transport unavailable");
    }
}

class QmgrDeliverIo : public ::testing::Test {
protected:
    void SetUp() override { testing::quiet_logs(); }
    DeliveryJob job(std::vector<std::int64_t> offsets, ipc::Millis timeout = ipc::Millis{2000}) {
        return DeliveryJob{7, dir_.path() + "/agent", request(std::move(offsets)), timeout, ipc::Limits{}};
    }
    // A raw agent that reads the request then does `then` with the connection.
    std::thread raw_agent(std::function<void(int)> then) {
        auto fd = ipc::listen_unix(dir_.path() + "/agent", 0600);
        EXPECT_TRUE(fd.ok());
        return std::thread([l = std::make_shared<UniqueFd>(std::move(*fd)), then] {
            UniqueFd c(::accept(l->get(), nullptr, nullptr));
            (void)ipc::recv_frame(c.get(), ipc::Limits{}, ipc::Millis{2000});
            then(c.get());
        });
    }
    testing::TempDir dir_;
};

TEST_F(QmgrDeliverIo, MissingSocketMeansTransportUnavailable) {
    auto out = deliver_one(job({1, 2}));
    EXPECT_EQ(out.job_id, 7u);
    EXPECT_FALSE(out.agent_answered);
    ASSERT_EQ(out.results.size(), 2u);
    EXPECT_EQ(out.results[1].reason, "mail transport unavailable");
    EXPECT_EQ(out.results[1].dsn, "4.3.0");
}

TEST_F(QmgrDeliverIo, RefusedConnectionMeansTransportUnavailable) {
    {
        auto fd = ipc::listen_unix(dir_.path() + "/agent", 0600);  // socket file stays, nobody listens
        ASSERT_TRUE(fd.ok());
    }
    auto out = deliver_one(job({1}));
    EXPECT_EQ(out.results.at(0).reason, "mail transport unavailable");
}

TEST_F(QmgrDeliverIo, GoodReplyIsReturnedInRequestOrder) {
    testing::FakeAgent agent(dir_.path() + "/agent");
    auto out = deliver_one(job({5, 6}));
    EXPECT_TRUE(out.agent_answered);
    ASSERT_EQ(out.results.size(), 2u);
    EXPECT_EQ(out.results[0].status, RS::Delivered);
    EXPECT_EQ(out.results[1].offset, 6);
    ASSERT_EQ(agent.requests().size(), 1u);
    EXPECT_EQ(agent.requests()[0].queue_file, "active/QID");
}

TEST_F(QmgrDeliverIo, HangUpBeforeReplyMeansAgentFailed) {
    auto t = raw_agent([](int) {});
    auto out = deliver_one(job({1}));
    t.join();
    EXPECT_EQ(out.results.at(0).reason, "delivery agent failed");
    EXPECT_EQ(out.results.at(0).status, RS::Deferred);
}

TEST_F(QmgrDeliverIo, SilentAgentTimesOut) {
    auto t = raw_agent([](int c) {
        struct pollfd p = {c, POLLIN, 0};
        ::poll(&p, 1, 3000);  // until qmgr gives up and closes
    });
    auto out = deliver_one(job({1}, ipc::Millis{200}));
    t.join();
    EXPECT_EQ(out.results.at(0).reason, "delivery agent failed");
}

TEST_F(QmgrDeliverIo, WrongResultCountMeansAgentFailed) {
    testing::FakeAgent agent(dir_.path() + "/agent", [](const ipc::DeliverRequest& r) {
        auto rep = testing::FakeAgent::deliver_all(r);
        rep.results.pop_back();
        return rep;
    });
    auto out = deliver_one(job({1, 2}));
    ASSERT_EQ(out.results.size(), 2u);
    EXPECT_EQ(out.results[0].reason, "delivery agent failed");
    EXPECT_EQ(out.results[1].status, RS::Deferred) << "nothing of a malformed reply is believed";
}

TEST_F(QmgrDeliverIo, PoolHandsOutcomesBackThroughTheWakeFd) {
    testing::FakeAgent agent(dir_.path() + "/agent");
    auto pool = WorkerPool::create();
    ASSERT_TRUE(pool.ok());
    for (int i = 0; i < 3; ++i) {
        auto j = job({i});
        j.id = static_cast<std::uint64_t>(100 + i);
        pool->start(std::move(j));
    }
    std::vector<DeliveryOutcome> got;
    for (int tries = 0; got.size() < 3 && tries < 100; ++tries) {
        struct pollfd p = {pool->wake_fd(), POLLIN, 0};
        ::poll(&p, 1, 100);
        for (auto& o : pool->take_finished()) got.push_back(std::move(o));
    }
    ASSERT_EQ(got.size(), 3u);
    for (const auto& o : got) EXPECT_EQ(o.results.at(0).status, RS::Delivered);
}

}  // namespace
}  // namespace postern::qmgr
