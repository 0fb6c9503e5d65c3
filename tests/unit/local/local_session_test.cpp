// One deliver request over a socket, as qmgr sends it.
#include "local_session.hpp"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include "lib/ipc/messages.hpp"
#include "maps/registry.hpp"
#include "local_test_util.hpp"
#include "../pickup/pickup_fake_cleanup.hpp"

namespace postern::local {
namespace {

using testing::TempDir;
using Status_ = ipc::RecipientResult::Status;

class SessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        s_ = testing::user_settings(dir_.path());
        ::mkdir((s_.queue_directory + "/active").c_str(), 0700);
        ::mkdir((s_.mail_spool_directory + "/alice").c_str(), 0700);
        ::mkdir((s_.queue_directory + "/private").c_str(), 0700);
        s_.cleanup_socket = s_.queue_directory + "/private/cleanup";
        testing::spit(dir_.path() + "/aliases",
                      "staff: alice\nbot: |/bin/true\nfar: someone@remote.test\n"
                      "list: alice, x@remote.test, y@remote.test\nowner-list: alice\n");
        s_.alias_maps = {"texthash:" + dir_.path() + "/aliases"};
    }

    // Send req over a socket pair, run the handler, return the reply.
    Result<ipc::DeliverReply> exchange(const ipc::DeliverRequest& req) {
        int sv[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        UniqueFd client(sv[0]);
        EXPECT_TRUE(ipc::send_msg(client.get(), req, std::chrono::milliseconds(1000)).ok());
        handle_connection(s_, UniqueFd(sv[1]));
        return ipc::recv_msg<ipc::DeliverReply>(client.get(), ipc::Limits{}, std::chrono::milliseconds(1000));
    }

    ipc::DeliverRequest request(const std::vector<std::string>& rcpts, const std::string& file = "active/QID1") {
        ipc::DeliverRequest req;
        req.queue_id = "QID1";
        req.queue_file = file;
        req.sender = "bob@example.org";
        req.nexthop = "example.test";
        std::int64_t offset = 100;
        for (const auto& r : rcpts) req.recipients.push_back(ipc::DeliverRecipient{r, "", "", offset++});
        return req;
    }

    void queue(const std::string& content) {
        testing::write_queue_file(s_.queue_directory + "/active/QID1", "bob@example.org",
                                  {"alice@example.test"}, content);
    }

    TempDir dir_;
    Settings s_;
};

TEST_F(SessionTest, DeliversBouncesAndDefersPerRecipientWithOffsets) {
    const std::string content = "Subject: hi\n\nbody\n";
    queue(content);
    auto reply = exchange(request({"alice@example.test", "nobody@example.test", "far@example.test"}));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    ASSERT_EQ(reply->results.size(), 3u);
    EXPECT_EQ(reply->results[0].offset, 100);
    EXPECT_EQ(reply->results[0].status, Status_::Delivered);
    EXPECT_EQ(reply->results[0].dsn, "2.0.0");
    EXPECT_EQ(reply->results[1].offset, 101);
    EXPECT_EQ(reply->results[1].status, Status_::Bounced);
    EXPECT_EQ(reply->results[1].dsn, "5.1.1");
    EXPECT_EQ(reply->results[2].offset, 102);
    EXPECT_EQ(reply->results[2].status, Status_::Deferred);
    EXPECT_EQ(reply->results[2].dsn, "4.3.0");
    // No cleanup listening: the forward waits in the queue, never lost.
    EXPECT_NE(reply->results[2].reason.find("cannot forward"), std::string::npos);
    std::string file = testing::only_new_file(s_.mail_spool_directory + "/alice");
    ASSERT_FALSE(file.empty());
    EXPECT_EQ(testing::slurp(file), "Return-Path: <bob@example.org>\nDelivered-To: alice@example.test\n" + content);
}

ipc::CleanupReply cleanup_ok(const std::string& id) {
    ipc::CleanupReply r;
    r.status = ipc::CleanupReply::Status::Ok;
    r.queue_id = id;
    return r;
}

std::string joined(const std::vector<std::string>& chunks) {
    std::string all;
    for (const auto& c : chunks) all += c;
    return all;
}

TEST_F(SessionTest, RemoteAliasIsResubmittedThroughCleanupWithDeliveredTo) {
    const std::string content = "Subject: hi\n\nbody\n";
    queue(content);
    pickup::testing::FakeCleanup fake(s_.cleanup_socket, cleanup_ok("NEWQ1"));
    ASSERT_TRUE(fake.listening());
    auto reply = exchange(request({"far@example.test"}));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->results.at(0).status, Status_::Delivered) << reply->results[0].reason;
    EXPECT_EQ(reply->results[0].reason, "forwarded as NEWQ1");
    const auto& got = fake.received();
    ASSERT_TRUE(got.open.has_value());
    EXPECT_EQ(got.open->origin, "local");
    EXPECT_EQ(got.open->sender, "bob@example.org");
    EXPECT_FALSE(got.open->extract_recipients);
    EXPECT_EQ(got.open->recipients, std::vector<std::string>{"someone@remote.test"});
    EXPECT_TRUE(got.end);
    EXPECT_EQ(joined(got.chunks), "Delivered-To: far@example.test\n" + content);
}

TEST_F(SessionTest, ListWithOwnerForwardsOnceWithOwnerAsSenderAndDeliversLocally) {
    queue("Subject: hi\n\nbody\n");
    pickup::testing::FakeCleanup fake(s_.cleanup_socket, cleanup_ok("NEWQ2"));
    auto reply = exchange(request({"list@example.test"}));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->results.at(0).status, Status_::Delivered) << reply->results[0].reason;
    const auto& got = fake.received();
    ASSERT_TRUE(got.open.has_value());
    EXPECT_EQ(got.open->sender, "owner-list@example.test");
    EXPECT_EQ(got.open->recipients, (std::vector<std::string>{"x@remote.test", "y@remote.test"}));
    EXPECT_FALSE(testing::only_new_file(s_.mail_spool_directory + "/alice").empty());
}

TEST_F(SessionTest, CleanupTemporaryFailureDefersTheForward) {
    queue("Subject: hi\n\nbody\n");
    ipc::CleanupReply r;
    r.status = ipc::CleanupReply::Status::TempFail;
    r.dsn = "4.3.0";
    r.reason = "queue file write error";
    pickup::testing::FakeCleanup fake(s_.cleanup_socket, r);
    auto reply = exchange(request({"far@example.test"}));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->results.at(0).status, Status_::Deferred);
    EXPECT_EQ(reply->results[0].dsn, "4.3.0");
    EXPECT_NE(reply->results[0].reason.find("queue file write error"), std::string::npos);
}

TEST_F(SessionTest, CommandAliasDelivers) {
    queue("Subject: hi\n\nbody\n");
    auto reply = exchange(request({"bot@example.test"}));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->results[0].status, Status_::Delivered) << reply->results[0].reason;
}

TEST_F(SessionTest, SameMailboxThroughTwoRecipientsGetsOneCopy) {
    queue("Subject: hi\n\nbody\n");
    auto reply = exchange(request({"alice@example.test", "staff@example.test"}));
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->results[1].status, Status_::Delivered);
    EXPECT_FALSE(testing::only_new_file(s_.mail_spool_directory + "/alice").empty());  // exactly one file
}

TEST_F(SessionTest, AliasDeliveryWritesTheRecipientAsDeliveredTo) {
    queue("Subject: hi\n\nbody\n");
    auto reply = exchange(request({"staff@example.test"}));
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->results.at(0).status, Status_::Delivered);
    EXPECT_NE(testing::slurp(testing::only_new_file(s_.mail_spool_directory + "/alice")).find(
                  "Delivered-To: staff@example.test\n"),
              std::string::npos);
}

TEST_F(SessionTest, DeliveredToLoopBounces546) {
    queue("Delivered-To: ALICE@example.test\nSubject: hi\n\nbody\n");
    auto reply = exchange(request({"alice@example.test"}));
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->results.at(0).status, Status_::Bounced);
    EXPECT_EQ(reply->results.at(0).dsn, "5.4.6");
    EXPECT_EQ(reply->results.at(0).reason, "mail forwarding loop for alice@example.test");
    EXPECT_TRUE(testing::only_new_file(s_.mail_spool_directory + "/alice").empty());
}

TEST_F(SessionTest, MissingAliasDatabaseDefersEveryone) {
    queue("Subject: hi\n\nbody\n");
    s_.alias_maps = {"hash:" + dir_.path() + "/no-such-aliases"};
    auto reply = exchange(request({"alice@example.test"}));
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->results.at(0).status, Status_::Deferred);
    EXPECT_EQ(reply->results.at(0).dsn, "4.3.0");
}

TEST_F(SessionTest, UnknownAliasMapTypeDefersEveryone) {
    queue("Subject: hi\n\nbody\n");
    s_.alias_maps = {"nosuchtype:/etc/aliases"};
    auto reply = exchange(request({"alice@example.test"}));
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->results.at(0).status, Status_::Deferred);
}

// As newaliases/postalias build it: keys and values with a trailing NUL.
TEST_F(SessionTest, HashAliasDatabaseIsExpanded) {
    queue("Subject: hi\n\nbody\n");
    std::string spec = "hash:" + dir_.path() + "/aliases";
    ASSERT_TRUE(maps::build_map(spec, {{"postmaster", "staff"}, {"staff", "alice"}}, maps::BuildOptions{}).ok());
    s_.alias_maps = {spec, "texthash:" + dir_.path() + "/aliases"};
    auto reply = exchange(request({"POSTMASTER@example.test", "nobody@example.test"}));
    ASSERT_TRUE(reply.ok());
    EXPECT_EQ(reply->results.at(0).status, Status_::Delivered);
    EXPECT_EQ(reply->results.at(1).status, Status_::Bounced);
    EXPECT_NE(testing::slurp(testing::only_new_file(s_.mail_spool_directory + "/alice")).find(
                  "Delivered-To: POSTMASTER@example.test\n"),
              std::string::npos);
}

TEST_F(SessionTest, QueueFileOutsideTheQueueIsRefused) {
    queue("Subject: hi\n\nbody\n");
    for (const char* bad : {"../QID1", "/etc/passwd", "active/../active/QID1", "active//QID1", "QID1", "active/.t1"}) {
        auto reply = exchange(request({"alice@example.test"}, bad));
        ASSERT_TRUE(reply.ok()) << bad;
        EXPECT_EQ(reply->results.at(0).status, Status_::Deferred) << bad;
        EXPECT_EQ(reply->results.at(0).offset, 100) << bad;
    }
    EXPECT_TRUE(testing::only_new_file(s_.mail_spool_directory + "/alice").empty());
}

TEST_F(SessionTest, MissingOrCorruptQueueFileDefers) {
    auto missing = exchange(request({"alice@example.test"}));
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(missing->results.at(0).status, Status_::Deferred);
    testing::spit(s_.queue_directory + "/active/QID1", "POSTERNQ garbage");
    auto corrupt = exchange(request({"alice@example.test"}));
    ASSERT_TRUE(corrupt.ok());
    EXPECT_EQ(corrupt->results.at(0).status, Status_::Deferred);
}

TEST_F(SessionTest, GarbageRequestGetsNoReplyAndNoCrash) {
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    UniqueFd client(sv[0]);
    ASSERT_EQ(::write(client.get(), "\0\0\0\4junk", 8), 8);
    handle_connection(s_, UniqueFd(sv[1]));
    auto reply = ipc::recv_msg<ipc::DeliverReply>(client.get(), ipc::Limits{}, std::chrono::milliseconds(500));
    EXPECT_FALSE(reply.ok());
}

}  // namespace
}  // namespace postern::local
