#include "lib/ipc/channel.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "lib/ipc/messages.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::ipc {
namespace {

using namespace std::chrono_literals;

struct SocketPair {
    UniqueFd a, b;
    SocketPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0) {
            a.reset(fds[0]);
            b.reset(fds[1]);
        }
    }
    void raw(const std::string& bytes) {
        ASSERT_EQ(::write(a.get(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
    }
};

TEST(ChannelTest, FrameRoundTripsOverASocketPair) {
    SocketPair sp;
    AttrList list;
    list.add("k", "v").add("k", std::string(100000, 'x'));
    std::thread sender([&] { EXPECT_TRUE(send_frame(sp.a.get(), list, 2000ms).ok()); });
    auto got = recv_frame(sp.b.get(), Limits{}, 2000ms);
    sender.join();
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->items(), list.items());
}

TEST(ChannelTest, TypedMessageRoundTrips) {
    SocketPair sp;
    CleanupReply reply;
    reply.status = CleanupReply::Status::Ok;
    reply.queue_id = "Q1";
    ASSERT_TRUE(send_msg(sp.a.get(), reply, 1000ms).ok());
    auto got = recv_msg<CleanupReply>(sp.b.get(), Limits{}, 1000ms);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->queue_id, "Q1");
    ASSERT_TRUE(send_msg(sp.a.get(), CleanupEnd{}, 1000ms).ok());
    EXPECT_FALSE(recv_msg<CleanupReply>(sp.b.get(), Limits{}, 1000ms).ok());
}

TEST(ChannelTest, SendRefusesACountTheWireCannotHold) {
    SocketPair sp;
    AttrList list;
    for (int i = 0; i < 0x10000; ++i) list.add("r", "");
    auto st = send_frame(sp.a.get(), list, 1000ms);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "too many attributes (65536)");
}

TEST(ChannelTest, CleanCloseBeforeAFrameIsEof) {
    SocketPair sp;
    sp.a.reset();
    auto got = recv_frame(sp.b.get(), Limits{}, 1000ms);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message, "eof");
}

TEST(ChannelTest, CloseInsideTheLengthOrPayloadIsTruncation) {
    for (const std::string& partial : {std::string("\0\0", 2), std::string("\0\0\0\x10", 4) + "abc"}) {
        SocketPair sp;
        sp.raw(partial);
        sp.a.reset();
        auto got = recv_frame(sp.b.get(), Limits{}, 1000ms);
        ASSERT_FALSE(got.ok());
        EXPECT_EQ(got.error().message, "truncated message");
    }
}

TEST(ChannelTest, OversizedLengthIsRejectedBeforeReading) {
    SocketPair sp;
    Limits limits;
    limits.max_payload = 1000;
    sp.raw(std::string("\0\0\x03\xe9", 4));  // 1001: limit + 1, with no payload behind it
    auto got = recv_frame(sp.b.get(), limits, 1000ms);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message, "message too large (1001 > 1000 bytes)");

    sp.raw(std::string("\xff\xff\xff\xff", 4));  // 4 GiB claimed: must not be allocated
    got = recv_frame(sp.b.get(), Limits{}, 1000ms);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message.rfind("message too large (4294967295 > ", 0), 0u);
}

TEST(ChannelTest, SilentPeerTimesOut) {
    SocketPair sp;
    sp.raw(std::string("\0\0", 2));
    auto start = std::chrono::steady_clock::now();
    auto got = recv_frame(sp.b.get(), Limits{}, 100ms);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message, "timeout reading message");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(ChannelTest, SendToAFullPeerTimesOut) {
    SocketPair sp;
    AttrList big;
    big.add("data", std::string(8 << 20, 'x'));
    auto st = send_frame(sp.a.get(), big, 100ms);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "timeout writing message");
}

TEST(ChannelTest, ListenConnectAndTrigger) {
    testing::TempDir dir;
    std::string path = dir.file("qmgr");
    auto listener = listen_unix(path, 0620);
    ASSERT_TRUE(listener.ok()) << listener.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0620u);

    ASSERT_TRUE(send_trigger(path, 'A').ok());
    UniqueFd conn(::accept(listener->get(), nullptr, nullptr));
    ASSERT_TRUE(conn.valid());
    char c = 0;
    EXPECT_EQ(::read(conn.get(), &c, 1), 1);
    EXPECT_EQ(c, 'A');

    auto client = connect_unix(path, 1000ms);
    ASSERT_TRUE(client.ok()) << client.error().message;

    // A restart replaces the stale socket file.
    listener->reset();
    EXPECT_TRUE(listen_unix(path, 0600).ok());
}

TEST(ChannelTest, ListenRefusesToReplaceANonSocket) {
    testing::TempDir dir;
    std::string path = dir.file("notsock");
    UniqueFd f(::open(path.c_str(), O_WRONLY | O_CREAT, 0600));
    auto r = listen_unix(path, 0600);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, path + ": exists and is not a socket");
}

TEST(ChannelTest, ConnectToMissingSocketFailsNamingThePath) {
    testing::TempDir dir;
    auto r = connect_unix(dir.file("none"), 200ms);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind(dir.file("none") + ": ", 0), 0u) << r.error().message;
    EXPECT_FALSE(send_trigger(dir.file("none")).ok());
}

}  // namespace
}  // namespace postern::ipc
