// The scheduler against a fake delivery agent on a UNIX socket in a
// temporary queue directory: one scheduling round from incoming/ to
// removal or deferred/, and recovery of active/.
#include <algorithm>
#include <limits>
#include "qmgr_manager.hpp"

#include <poll.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "lib/queue/queue_hoststat.hpp"
#include "lib/queue/queue_status.hpp"
#include "qmgr_test_util.hpp"

namespace postern::qmgr {
namespace {

using RS = ipc::RecipientResult::Status;
using testing::FakeAgent;

class QmgrManager : public ::testing::Test {
protected:
    void SetUp() override {
        testing::quiet_logs();
        root_ = dir_.path() + "/queue";
        ASSERT_TRUE(queue::QueueDir::create_layout(root_).ok());
        auto q = queue::QueueDir::open(root_);
        ASSERT_TRUE(q.ok());
        q_.emplace(std::move(*q));
        settings_.routing.mydestination = {"localhost"};
        settings_.ipc_timeout = ipc::Millis{2000};
    }

    Manager make() {
        auto q = queue::QueueDir::open(root_);
        auto m = Manager::create(std::move(*q), settings_);
        EXPECT_TRUE(m.ok());
        return std::move(*m);
    }

    // Start, wait for and apply deliveries until nothing is left to do.
    void run_until_idle(Manager& m) {
        for (int i = 0; i < 200; ++i) {
            m.start_deliveries();
            if (m.in_flight() == 0 && m.queued_requests() == 0) return;
            struct pollfd p = {m.wake_fd(), POLLIN, 0};
            ::poll(&p, 1, 50);
            m.handle_finished();
        }
        ADD_FAILURE() << "scheduler did not become idle";
    }

    std::string agent_path(const char* transport) { return root_ + "/private/" + transport; }
    bool exists(std::string_view sub, const std::string& id) {
        struct stat st {};
        return ::lstat(q_->path(sub, id).c_str(), &st) == 0;
    }
    std::string in_active(const std::vector<std::string>& rcpts, std::time_t arrival = 0) {
        auto id = testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope(rcpts, arrival));
        EXPECT_TRUE(q_->move(id, queue::kIncoming, queue::kActive).ok());
        return id;
    }

    testing::TempDir dir_;
    std::string root_;
    std::optional<queue::QueueDir> q_;
    Settings settings_;
};

TEST_F(QmgrManager, DeliversEveryLocalRecipientAndRemovesTheFile) {
    FakeAgent local(agent_path("local"));
    auto id = testing::write_queue_file(*q_, queue::kIncoming,
                                        testing::make_envelope({"alice@localhost", "bob"}));
    auto m = make();
    m.scan_incoming();
    EXPECT_FALSE(exists(queue::kIncoming, id));
    EXPECT_EQ(m.active_count(), 1u);
    run_until_idle(m);

    auto reqs = local.requests();
    ASSERT_EQ(reqs.size(), 2u) << "local_destination_recipient_limit 1: one request per recipient";
    // The two requests run in parallel: the agent may see them in either order.
    std::sort(reqs.begin(), reqs.end(), [](const auto& a, const auto& b) {
        return a.recipients.at(0).address < b.recipients.at(0).address;
    });
    EXPECT_EQ(reqs[0].queue_id, id);
    EXPECT_EQ(reqs[0].queue_file, "active/" + id);
    EXPECT_EQ(reqs[0].sender, "alice@example.org");
    EXPECT_EQ(reqs[0].recipients.at(0).address, "alice@localhost");
    EXPECT_EQ(reqs[0].nexthop, "localhost");
    EXPECT_EQ(reqs[1].recipients.at(0).address, "bob");
    EXPECT_EQ(reqs[1].nexthop, "");
    EXPECT_FALSE(exists(queue::kActive, id));
    EXPECT_FALSE(exists(queue::kDeferred, id));
    EXPECT_EQ(m.active_count(), 0u);
}

TEST_F(QmgrManager, BouncedRecipientIsFinalToo) {
    FakeAgent local(agent_path("local"), [](const ipc::DeliverRequest& r) {
        return FakeAgent::reply_all(r, RS::Bounced, "5.1.1", "unknown user");
    });
    auto id = testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"nosuchuser"}));
    auto m = make();
    m.scan_incoming();
    run_until_idle(m);
    EXPECT_EQ(local.requests().size(), 1u);
    EXPECT_FALSE(exists(queue::kActive, id));
    EXPECT_FALSE(exists(queue::kDeferred, id));
}

TEST_F(QmgrManager, DeferredRecipientMovesTheFileToDeferredWithItsNextAttemptTime) {
    FakeAgent local(agent_path("local"), [](const ipc::DeliverRequest& r) {
        bool bob = r.recipients.at(0).address == "bob";
        return FakeAgent::reply_all(r, bob ? RS::Deferred : RS::Delivered, bob ? "4.2.2" : "2.0.0",
                                    bob ? "mailbox full" : "delivered");
    });
    std::time_t arrival = std::time(nullptr) - 1000;
    auto id = testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"alice", "bob"}, arrival));
    auto m = make();
    m.scan_incoming();
    std::time_t before = std::time(nullptr);
    run_until_idle(m);
    std::time_t after = std::time(nullptr);

    ASSERT_TRUE(exists(queue::kDeferred, id));
    EXPECT_FALSE(exists(queue::kActive, id));
    EXPECT_EQ(testing::read_statuses(q_->path(queue::kDeferred, id)), "D-")
        << "alice marked delivered, bob still pending";
    struct stat st {};
    ASSERT_EQ(::stat(q_->path(queue::kDeferred, id).c_str(), &st), 0);
    // age ~1000 s lies between the 300 s and 4000 s bounds: wait = age.
    EXPECT_GE(st.st_mtime, before + (before - arrival));
    EXPECT_LE(st.st_mtime, after + (after - arrival));
}

TEST_F(QmgrManager, MissingTransportDefersWithoutLosingMail) {
    auto id = testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"bob@example.com"}));
    auto m = make();
    m.scan_incoming();
    std::time_t before = std::time(nullptr);
    run_until_idle(m);
    ASSERT_TRUE(exists(queue::kDeferred, id)) << "no private/smtp socket: deferred, not bounced";
    EXPECT_EQ(testing::read_statuses(q_->path(queue::kDeferred, id)), "-");
    struct stat st {};
    ASSERT_EQ(::stat(q_->path(queue::kDeferred, id).c_str(), &st), 0);
    EXPECT_GE(st.st_mtime, before + 300) << "a young message waits minimal_backoff_time";
    EXPECT_LE(st.st_mtime, std::time(nullptr) + 301);
}

TEST_F(QmgrManager, RemoteRecipientsUseRelayhostAndShareARequest) {
    settings_.routing.relayhost = "[relay.example.net]:587";
    FakeAgent smtp(agent_path("smtp"));
    auto id = testing::write_queue_file(*q_, queue::kIncoming,
                                        testing::make_envelope({"a@x.com", "b@y.com"}));
    auto m = make();
    m.scan_incoming();
    run_until_idle(m);
    auto reqs = smtp.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].nexthop, "[relay.example.net]:587");
    EXPECT_EQ(reqs[0].recipients.size(), 2u);
    EXPECT_FALSE(exists(queue::kActive, id));
}

// Slow start's initial window 1: the first site failure kills the
// destination; its other queued mail is deferred without a request, and a
// restarted qmgr still knows (the hoststat file) until 'F' revives it.
TEST_F(QmgrManager, DeadDestinationIsNotTriedAgainUntilRevived) {
    settings_.limits.initial_destination_concurrency = 1;
    FakeAgent smtp(agent_path("smtp"), [](const ipc::DeliverRequest& r) {
        if (r.nexthop == "down.test")
            return FakeAgent::reply_all(r, RS::Deferred, "4.4.1", "connect to mx.down.test[127.0.0.9]:25: Connection refused");
        return FakeAgent::deliver_all(r);
    });
    std::vector<std::string> down;
    for (int i = 0; i < 3; ++i)
        down.push_back(testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"u@down.test"})));
    auto live = testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"v@live.test"}));
    {
        auto m = make();
        m.scan_incoming();
        run_until_idle(m);
    }
    auto count = [&](const char* hop) {
        auto reqs = smtp.requests();
        return std::count_if(reqs.begin(), reqs.end(), [&](const auto& r) { return r.nexthop == hop; });
    };
    EXPECT_EQ(count("down.test"), 1) << "one attempt, then the destination is dead";
    EXPECT_EQ(count("live.test"), 1);
    EXPECT_FALSE(exists(queue::kActive, live));
    EXPECT_FALSE(exists(queue::kDeferred, live));
    for (const auto& id : down) {
        EXPECT_TRUE(exists(queue::kDeferred, id));
        EXPECT_NE(queue::read_defer_log(*q_, id)["u@down.test"].find("Connection refused"), std::string::npos);
    }
    auto disk = queue::read_host_status(*q_);
    ASSERT_TRUE(disk.ok());
    ASSERT_EQ(disk->size(), 1u);
    EXPECT_EQ((*disk)[0].destination, "down.test");

    auto m = make();  // restarted: loads the file
    m.scan_deferred(std::numeric_limits<std::time_t>::max());
    run_until_idle(m);
    EXPECT_EQ(count("down.test"), 1) << "still dead after a restart";
    m.revive_all_destinations();
    m.scan_deferred(std::numeric_limits<std::time_t>::max());
    run_until_idle(m);
    EXPECT_EQ(count("down.test"), 2) << "revived ('F'): one attempt, dead again";
}

TEST_F(QmgrManager, RecipientFailuresAtALiveSiteDoNotKillIt) {
    settings_.limits.initial_destination_concurrency = 1;
    FakeAgent smtp(agent_path("smtp"), [](const ipc::DeliverRequest& r) {
        return FakeAgent::reply_all(r, RS::Deferred, "4.2.0", "host said: 450 try later (in reply to RCPT TO command)");
    });
    for (int i = 0; i < 3; ++i) testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"u@busy.test"}));
    auto m = make();
    m.scan_incoming();
    run_until_idle(m);
    EXPECT_EQ(smtp.requests().size(), 3u);
    EXPECT_TRUE(queue::read_host_status(*q_)->empty());
}

TEST_F(QmgrManager, ExpiredMessageIsReturnedAndRemoved) {
    FakeAgent local(agent_path("local"), [](const ipc::DeliverRequest& r) {
        return FakeAgent::reply_all(r, RS::Deferred, "4.2.2", "mailbox full");
    });
    auto id = testing::write_queue_file(*q_, queue::kIncoming,
                                        testing::make_envelope({"alice"}, std::time(nullptr) - 6 * 86400));
    auto m = make();
    m.scan_incoming();
    run_until_idle(m);
    EXPECT_EQ(local.requests().size(), 1u) << "it is tried once more before it expires";
    EXPECT_FALSE(exists(queue::kActive, id));
    EXPECT_FALSE(exists(queue::kDeferred, id));
}

TEST_F(QmgrManager, RecoveryDoesNotRedeliverFinishedRecipients) {
    FakeAgent local(agent_path("local"));
    auto id = in_active({"alice", "bob"});
    {
        UniqueFd fd(::open(q_->path(queue::kActive, id).c_str(), O_RDWR | O_CLOEXEC));
        auto env = queue::read_envelope(fd.get());
        ASSERT_TRUE(env.ok());
        ASSERT_TRUE(queue::mark_recipient(fd.get(), env->recipients[0].status_offset,
                                          queue::RcptStatus::Delivered).ok());
    }
    auto m = make();
    m.recover();
    run_until_idle(m);
    auto reqs = local.requests();
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].recipients.at(0).address, "bob") << "alice was already 'D'";
    EXPECT_FALSE(exists(queue::kActive, id));
}

TEST_F(QmgrManager, RecoveredFileWithNothingPendingIsRemovedAtOnce) {
    FakeAgent local(agent_path("local"));
    auto id = in_active({"alice"});
    {
        UniqueFd fd(::open(q_->path(queue::kActive, id).c_str(), O_RDWR | O_CLOEXEC));
        auto env = queue::read_envelope(fd.get());
        ASSERT_TRUE(env.ok());
        ASSERT_TRUE(queue::mark_recipient(fd.get(), env->recipients[0].status_offset,
                                          queue::RcptStatus::Bounced).ok());
    }
    auto m = make();
    m.recover();
    EXPECT_FALSE(exists(queue::kActive, id));
    EXPECT_EQ(m.queued_requests(), 0u);
    EXPECT_TRUE(local.requests().empty());
}

TEST_F(QmgrManager, ActiveLimitLeavesLimitPlusOneInIncoming) {
    settings_.active_limit = 2;
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i)
        ids.push_back(testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"alice"})));
    auto m = make();
    m.scan_incoming();
    EXPECT_EQ(m.active_count(), 2u);
    EXPECT_TRUE(exists(queue::kIncoming, ids[2])) << "the third waits for room";
    EXPECT_FALSE(m.backlog_ready());

    FakeAgent local(agent_path("local"));
    run_until_idle(m);
    EXPECT_TRUE(m.backlog_ready()) << "room appeared: the loop rescans incoming/";
    m.scan_incoming();
    run_until_idle(m);
    EXPECT_FALSE(exists(queue::kIncoming, ids[2]));
    EXPECT_EQ(local.requests().size(), 3u);
}

TEST_F(QmgrManager, CorruptFileGoesToCorrupt) {
    auto file = q_->create(queue::kIncoming);
    ASSERT_TRUE(file.ok());
    ASSERT_TRUE(write_all(file->fd.get(), "POSTERNQ garbage").ok());
    ASSERT_TRUE(q_->commit(*file).ok());
    auto m = make();
    m.scan_incoming();
    EXPECT_EQ(m.active_count(), 0u);
    EXPECT_FALSE(exists(queue::kActive, file->queue_id));
    EXPECT_TRUE(exists(queue::kCorrupt, file->queue_id));
}

TEST_F(QmgrManager, DeferredScanTakesOnlyDueFiles) {
    auto due = in_active({"alice"});
    auto later = in_active({"bob"});
    for (auto [id, when] : {std::pair{due, std::time(nullptr) - 5}, std::pair{later, std::time(nullptr) + 3600}}) {
        UniqueFd fd(::open(q_->path(queue::kActive, id).c_str(), O_RDWR | O_CLOEXEC));
        ASSERT_TRUE(set_next_attempt(fd.get(), when, id).ok());
        ASSERT_TRUE(q_->move(id, queue::kActive, queue::kDeferred).ok());
    }
    auto m = make();
    m.scan_deferred(std::time(nullptr));
    EXPECT_EQ(m.active_count(), 1u);
    EXPECT_TRUE(exists(queue::kActive, due));
    EXPECT_TRUE(exists(queue::kDeferred, later));
}

TEST_F(QmgrManager, AfterStopNothingNewStartsAndFilesStay) {
    FakeAgent local(agent_path("local"));
    auto id = testing::write_queue_file(*q_, queue::kIncoming, testing::make_envelope({"alice"}));
    auto m = make();
    m.scan_incoming();
    m.stop_starting();
    m.start_deliveries();
    EXPECT_EQ(m.in_flight(), 0);
    EXPECT_TRUE(exists(queue::kActive, id)) << "left for the next qmgr's recovery";
    EXPECT_TRUE(local.requests().empty());
}

TEST(QmgrLogLine, PostfixStyleResultLine) {
    EXPECT_EQ(format_result_line("4F2A", "alice@localhost", "local", 0.123, "2.0.0", "sent",
                                 "delivered to maildir"),
              "4F2A: to=<alice@localhost>, relay=local, delay=0.12, dsn=2.0.0, status=sent (delivered to maildir)");
    EXPECT_EQ(format_result_line("X", "a\nb", "none", 2, "4.3.0", "deferred", "mail transport unavailable"),
              "X: to=<a?b>, relay=none, delay=2.00, dsn=4.3.0, status=deferred (mail transport unavailable)")
        << "control bytes from the file never reach the log raw";
}

}  // namespace
}  // namespace postern::qmgr
