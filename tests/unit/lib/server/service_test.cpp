// The service skeleton: trigger reading (bounded, drained), the accept loop
// surviving a failing handler, the pid file lock, and init_daemon refusing
// to run without master's socket.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "lib/server/pid_file.hpp"
#include "lib/server/service.hpp"

namespace postern::server {
namespace {

namespace fs = std::filesystem;

class ServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "service_test.XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        path_ = dir_ + "/sock";
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::strcpy(sun.sun_path, path_.c_str());
        listen_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        ASSERT_EQ(::bind(listen_.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
        ASSERT_EQ(::listen(listen_.get(), 16), 0);
        clear_stop_request();
    }
    void TearDown() override {
        clear_stop_request();
        fs::remove_all(dir_);
    }

    // Connect and write bytes (the connection stays open until returned fd dies).
    UniqueFd trigger(const std::string& bytes) {
        UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::strcpy(sun.sun_path, path_.c_str());
        EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
        if (!bytes.empty()) {
            EXPECT_EQ(::write(fd.get(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
        }
        return fd;
    }

    Context context() {
        return Context{config::Config::defaults(dir_), "test", "test", listen_.get(), true, false, {}};
    }

    std::string dir_;
    std::string path_;
    UniqueFd listen_;
};

TEST_F(ServiceTest, WaitForTriggerReturnsTheBytesSent) {
    auto client = trigger("W");
    client.reset();
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{2000}), "W");
}

TEST_F(ServiceTest, WaitForTriggerTimesOutWithNothing) {
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{100}), "");
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds{100});
}

TEST_F(ServiceTest, WaitForTriggerReadsAtMostTheLimit) {
    auto client = trigger(std::string(kMaxTriggerBytes + 1, 'x'));
    client.reset();
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{2000}), std::string(kMaxTriggerBytes, 'x'));
}

TEST_F(ServiceTest, WaitForTriggerDrainsPendingTriggersAtOnce) {
    for (const char* b : {"A", "B", "C"}) trigger(b).reset();
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{2000}), "ABC");
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{50}), "");
}

TEST_F(ServiceTest, WaitForTriggerDoesNotWaitLongForASilentClient) {
    auto silent = trigger("");
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{5000}), "");
    EXPECT_LT(std::chrono::steady_clock::now() - start, kTriggerReadTimeout + std::chrono::milliseconds{500});
}

TEST_F(ServiceTest, WaitForTriggerReturnsOnStopRequest) {
    request_stop();
    EXPECT_EQ(wait_for_trigger(context(), std::chrono::milliseconds{5000}), "");
}

TEST_F(ServiceTest, AcceptLoopSurvivesAThrowingHandler) {
    for (int i = 0; i < 3; ++i) trigger("x").reset();
    int calls = 0;
    int rc = run_accept_loop(context(), [&](UniqueFd conn) {
        EXPECT_TRUE(conn.valid());
        if (++calls < 3) throw std::runtime_error("handler failure");
        request_stop();
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(calls, 3);
}

TEST_F(ServiceTest, AcceptedConnectionsAreCloseOnExec) {
    trigger("x").reset();
    run_accept_loop(context(), [&](UniqueFd conn) {
        EXPECT_TRUE(::fcntl(conn.get(), F_GETFD) & FD_CLOEXEC);
        request_stop();
    });
}

TEST_F(ServiceTest, AcceptLoopCallsIdleAndWaitsOnlyAsLongAsItSays) {
    int calls = 0;
    auto start = std::chrono::steady_clock::now();
    run_accept_loop(
        context(), [](UniqueFd) {},
        [&] {
            if (++calls == 5) request_stop();
            return std::chrono::milliseconds{20};
        });
    EXPECT_EQ(calls, 5);
    // Four 20ms waits, not four of the loop's usual second.
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds{900});
}

TEST_F(ServiceTest, AcceptLoopWithIdleStillServesConnections) {
    trigger("x").reset();
    int served = 0;
    run_accept_loop(
        context(),
        [&](UniqueFd) {
            ++served;
            request_stop();
        },
        [] { return std::chrono::milliseconds{5000}; });
    EXPECT_EQ(served, 1);
}

TEST_F(ServiceTest, PidFileLockMakesASecondMasterFail) {
    const std::string path = dir_ + "/master.pid";
    auto first = PidFile::acquire(path);
    ASSERT_TRUE(first) << first.error().message;
    auto running = running_master(path);
    ASSERT_TRUE(running);
    ASSERT_TRUE(running->has_value());
    EXPECT_EQ(**running, 0) << "locked but no pid written yet";
    ASSERT_TRUE(first->write_pid(4242));
    EXPECT_EQ(**running_master(path), 4242);
    auto second = PidFile::acquire(path);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().message, "the mail system is already running (pid 4242)");
}

TEST_F(ServiceTest, PidFileWithoutLockIsNotRunning) {
    const std::string path = dir_ + "/master.pid";
    EXPECT_FALSE(running_master(path)->has_value()) << "missing file";
    std::ofstream(path) << "4242\n";
    EXPECT_FALSE(running_master(path)->has_value()) << "stale file, nobody holds the lock";
    {
        auto held = PidFile::acquire(path);
        ASSERT_TRUE(held);
        held->remove();
    }
    EXPECT_FALSE(fs::exists(path));
}

TEST_F(ServiceTest, InitDaemonRefusesToRunWithoutListeningSocket) {
    std::ofstream(dir_ + "/main.conf") << "user_instance = yes\n";
    std::string c = "-c";
    std::string d = dir_;
    std::string prog = "test";
    char* argv[] = {prog.data(), c.data(), d.data(), nullptr};
    EXPECT_EXIT(
        {
            ::close(kListenFd);
            ::setenv("POSTERN_LOG_STDERR", "1", 1);
            init_daemon("test", 3, argv);
        },
        ::testing::ExitedWithCode(1), "no listening socket on fd 3: run by master, not by hand");
}

TEST_F(ServiceTest, InitDaemonNamesTheBadConfigLine) {
    std::ofstream(dir_ + "/main.conf") << "user_instance = yes\nbogus_parameter = 1\n";
    std::string c = "-c";
    std::string d = dir_;
    std::string prog = "test";
    char* argv[] = {prog.data(), c.data(), d.data(), nullptr};
    EXPECT_EXIT(
        {
            ::setenv("POSTERN_LOG_STDERR", "1", 1);
            init_daemon("test", 3, argv);
        },
        ::testing::ExitedWithCode(1), "main.conf:2: .*bogus_parameter");
}

}  // namespace
}  // namespace postern::server
