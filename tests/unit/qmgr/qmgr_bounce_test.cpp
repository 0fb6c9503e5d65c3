// Who gets a non-delivery notice, and when none is sent.
#include "qmgr_bounce.hpp"

#include "qmgr_test_util.hpp"

namespace postern::qmgr {
namespace {

using namespace postern::qmgr::testing;

class BouncePlanTest : public ::testing::Test {
protected:
    void SetUp() override {
        quiet_logs();
        ASSERT_TRUE(queue::QueueDir::create_layout(tmp_.path()).ok());
        auto q = queue::QueueDir::open(tmp_.path());
        ASSERT_TRUE(q.ok());
        q_.emplace(std::move(*q));
    }
    Message load(const queue::Envelope& env) {
        std::string id = write_queue_file(*q_, queue::kActive, env);
        auto m = Message::open(q_->path(queue::kActive, id), id, {}, nullptr);
        EXPECT_TRUE(m.ok());
        return std::move(*m);
    }
    NoticePlan plan(const Message& m, dsn::Action action = dsn::Action::Failed) {
        std::vector<Message::Failure> f;
        for (std::size_t i = 0; i < m.recipients().size(); ++i) f.push_back({i, "5.1.1", "said: 550 no"});
        return plan_notice(m, f, action, BounceSettings{}, 1700000000);
    }
    TempDir tmp_;
    std::optional<queue::QueueDir> q_;
};

TEST_F(BouncePlanTest, OrdinaryBounceGoesToTheSender) {
    auto p = plan(load(make_envelope({"bob@remote.test"})));
    ASSERT_TRUE(p.send);
    EXPECT_EQ(p.origin, "bounce");
    EXPECT_EQ(p.report.to, "alice@example.org");
    EXPECT_FALSE(p.report.headers_only);
    ASSERT_EQ(p.report.recipients.size(), 1u);
    EXPECT_EQ(p.report.recipients[0].status, "5.1.1");
}

TEST_F(BouncePlanTest, NotifyNeverAndSuccessOnlyAreLeftOut) {
    auto env = make_envelope({"a@r.test", "b@r.test", "c@r.test"});
    env.recipients[0].notify = "NEVER";
    env.recipients[1].notify = "SUCCESS";
    auto p = plan(load(env));
    ASSERT_TRUE(p.send);
    ASSERT_EQ(p.report.recipients.size(), 1u);
    EXPECT_EQ(p.report.recipients[0].address, "c@r.test");
    env.recipients[2].notify = "NEVER";
    EXPECT_FALSE(plan(load(env)).send);
}

TEST_F(BouncePlanTest, BounceOfABounceGoesToPostmasterHeadersOnly) {
    auto env = make_envelope({"alice@remote.test"});
    env.sender = "";
    env.attrs.emplace_back("origin", "bounce");
    auto p = plan(load(env));
    ASSERT_TRUE(p.send);
    EXPECT_EQ(p.origin, "double-bounce");
    EXPECT_EQ(p.report.to, "postmaster");
    EXPECT_TRUE(p.report.headers_only);
}

TEST_F(BouncePlanTest, FailedPostmasterNoticeIsDroppedNotLooped) {
    auto env = make_envelope({"postmaster@localhost"});
    env.sender = "";
    env.attrs.emplace_back("origin", "double-bounce");
    EXPECT_FALSE(plan(load(env)).send);
}

TEST_F(BouncePlanTest, RetHdrsAndEnvidAreHonored) {
    auto env = make_envelope({"bob@remote.test"});
    env.attrs.emplace_back("dsn_ret", "HDRS");
    env.attrs.emplace_back("dsn_envid", "E-42");
    auto p = plan(load(env));
    EXPECT_TRUE(p.report.headers_only);
    EXPECT_EQ(p.report.envid, "E-42");
}

}  // namespace
}  // namespace postern::qmgr
