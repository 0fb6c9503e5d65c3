// The anvil server over a real UNIX socket, with smtpd's framing.
#include "anvil_server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <filesystem>

#include "lib/ipc/anvil_messages.hpp"
#include "lib/ipc/async_channel.hpp"
#include "lib/ipc/channel.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::anvil {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

class AnvilServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("anvil-test-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        path_ = (dir_ / "anvil").string();
        auto fd = ipc::listen_unix(path_, 0600);
        ASSERT_TRUE(fd.ok());
        listen_ = std::move(*fd);
        server_ = std::make_unique<Server>(io_, table_, listen_.get());
        ASSERT_TRUE(server_->start().ok());
        thread_ = std::thread([this] { io_.run(); });
    }
    void TearDown() override {
        io_.stop();
        thread_.join();
        std::filesystem::remove_all(dir_);
    }

    UniqueFd connect() {
        auto fd = ipc::connect_unix(path_, milliseconds(2000));
        EXPECT_TRUE(fd.ok());
        return fd.ok() ? std::move(*fd) : UniqueFd();
    }
    static ipc::AnvilReply::Verdict admit(int fd, const std::string& addr) {
        ipc::AnvilRequest r;
        r.addr = addr;
        EXPECT_TRUE(ipc::send_msg(fd, r, milliseconds(2000)).ok());
        auto reply = ipc::recv_msg<ipc::AnvilReply>(fd, {}, milliseconds(2000));
        EXPECT_TRUE(reply.ok()) << (reply.ok() ? "" : reply.error().message);
        return reply.ok() ? reply->verdict : ipc::AnvilReply::Verdict::TooFast;
    }

    std::filesystem::path dir_;
    std::string path_;
    UniqueFd listen_;
    asio::io_context io_;
    AnvilTable table_{server::ClientLimiter(2, 0, std::chrono::seconds(60))};
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

using V = ipc::AnvilReply::Verdict;

TEST_F(AnvilServerTest, LimitsHoldAcrossConnectionsAndAClosedConnectionGivesBack) {
    UniqueFd a = connect(), b = connect();
    EXPECT_EQ(admit(a.get(), "192.0.2.9"), V::Ok);
    EXPECT_EQ(admit(b.get(), "192.0.2.9"), V::Ok);
    EXPECT_EQ(admit(b.get(), "192.0.2.9"), V::TooManyConnections);
    a.reset();  // that smtpd died
    bool freed = false;
    for (int i = 0; i < 100 && !freed; ++i) {
        freed = admit(b.get(), "192.0.2.9") == V::Ok;
        if (!freed) ::usleep(10000);
    }
    EXPECT_TRUE(freed);
}

TEST_F(AnvilServerTest, ReleaseNeedsNoAnswerAndFreesTheSlot) {
    UniqueFd a = connect();
    EXPECT_EQ(admit(a.get(), "192.0.2.9"), V::Ok);
    EXPECT_EQ(admit(a.get(), "192.0.2.9"), V::Ok);
    ipc::AnvilRequest rel;
    rel.op = ipc::AnvilRequest::Op::Release;
    rel.addr = "192.0.2.9";
    ASSERT_TRUE(ipc::send_msg(a.get(), rel, milliseconds(2000)).ok());
    EXPECT_EQ(admit(a.get(), "192.0.2.9"), V::Ok);
}

TEST_F(AnvilServerTest, GarbageEndsOnlyThatConnection) {
    UniqueFd bad = connect(), good = connect();
    EXPECT_EQ(admit(bad.get(), "192.0.2.9"), V::Ok);
    const char junk[] = "\x00\x00\x00\x05hello";
    ASSERT_EQ(::write(bad.get(), junk, sizeof junk - 1), static_cast<ssize_t>(sizeof junk - 1));
    char c;
    EXPECT_EQ(::read(bad.get(), &c, 1), 0) << "anvil closes the connection";
    EXPECT_EQ(admit(good.get(), "192.0.2.9"), V::Ok);
    EXPECT_EQ(admit(good.get(), "192.0.2.9"), V::Ok) << "the bad connection's count was given back";
}

}  // namespace
}  // namespace postern::anvil
