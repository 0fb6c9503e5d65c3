// Socket set-up in a temporary queue: unix sockets with their modes, stale
// socket replacement, inet names and binding, reuse across a reload.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "master_services.hpp"

namespace postern::master {
namespace {

namespace fs = std::filesystem;

class MasterServicesTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "master_services_test.XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        fs::create_directories(dir_ + "/queue");
    }
    void TearDown() override { fs::remove_all(dir_); }

    config::Config cfg(const std::string& extra = "") {
        auto c = config::Config::parse("user_instance = yes\nqueue_directory = " + dir_ +
                                           "/queue\ninet_interfaces = 127.0.0.1\n" + extra,
                                       dir_ + "/main.conf", dir_);
        EXPECT_TRUE(c) << c.error().message;
        return std::move(c).value();
    }
    std::vector<config::ServiceEntry> services(const std::string& text) {
        auto s = config::parse_services(text, dir_ + "/services.conf");
        EXPECT_TRUE(s) << s.error().message;
        return std::move(s).value();
    }
    static mode_t mode_of(const std::string& path) {
        struct stat st {};
        EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
        return st.st_mode;
    }
    static bool can_connect(const std::string& path) {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::strcpy(sun.sun_path, path.c_str());
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0;
        ::close(fd);
        return ok;
    }

    // A port nobody listens on right now.
    static std::string free_port() {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
        socklen_t len = sizeof sin;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
        ::close(fd);
        return std::to_string(ntohs(sin.sin_port));
    }

    std::string dir_;
};

TEST_F(MasterServicesTest, UnixServicesGetPrivateAndPublicSockets) {
    auto eps = open_endpoints(cfg(), services("pickup unix n y n 1 pickup\ncleanup unix y y n - cleanup\n"), {});
    ASSERT_TRUE(eps) << eps.error().message;
    ASSERT_EQ(eps->size(), 2u);
    const std::string pub = dir_ + "/queue/public/pickup";
    const std::string priv = dir_ + "/queue/private/cleanup";
    EXPECT_EQ((*eps)[0].address, pub);
    EXPECT_EQ((*eps)[1].address, priv);
    EXPECT_TRUE(S_ISSOCK(mode_of(pub)));
    EXPECT_EQ(mode_of(pub) & 07777, 0666u);
    EXPECT_EQ(mode_of(priv) & 07777, 0600u);
    EXPECT_EQ(mode_of(dir_ + "/queue/private") & 07777, 0700u);
    EXPECT_EQ(mode_of(dir_ + "/queue/public") & 07777, 0710u);
    EXPECT_TRUE(can_connect(pub));
    EXPECT_TRUE(can_connect(priv));
}

TEST_F(MasterServicesTest, StaleSocketIsReplacedButAnyOtherFileIsRefused) {
    const std::string path = dir_ + "/sock";
    { auto first = open_unix_listener(path, 0600, std::nullopt, 5); ASSERT_TRUE(first); }
    auto second = open_unix_listener(path, 0600, std::nullopt, 5);
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_TRUE(can_connect(path));

    const std::string file = dir_ + "/file";
    std::ofstream(file) << "x";
    auto refused = open_unix_listener(file, 0600, std::nullopt, 5);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find(file), std::string::npos);
    EXPECT_TRUE(fs::exists(file));
}

TEST_F(MasterServicesTest, OverlongSocketPathIsAnError) {
    auto r = open_unix_listener(dir_ + "/" + std::string(200, 'x'), 0600, std::nullopt, 5);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("too long"), std::string::npos);
}

TEST_F(MasterServicesTest, ParsesInetNames) {
    struct Case {
        const char* in;
        const char* host;
        const char* port;
    } cases[] = {
        {"25", "", "25"},
        {"127.0.0.1:2525", "127.0.0.1", "2525"},
        {"[::1]:25", "::1", "25"},
        {"mx.example:smtp", "mx.example", "smtp"},
    };
    for (const auto& c : cases) {
        auto n = parse_inet_name(c.in);
        ASSERT_TRUE(n) << c.in;
        EXPECT_EQ(n->host, c.host) << c.in;
        EXPECT_EQ(n->port, c.port) << c.in;
    }
    for (const char* bad : {"", "127.0.0.1:", "::1:25", "[::1]25", "[::1"})
        EXPECT_FALSE(parse_inet_name(bad)) << bad;
}

TEST_F(MasterServicesTest, AllMeansIPv4AndIPv6Wildcards) {
    auto a = resolve_listen_addresses(InetName{"", "2525"}, {"all"});
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_EQ(a->size(), 2u);
    EXPECT_EQ((*a)[0].label, "0.0.0.0:2525");
    EXPECT_EQ((*a)[1].label, "[::]:2525");
    EXPECT_TRUE((*a)[1].optional);
}

TEST_F(MasterServicesTest, InetServiceListensOnInetInterfaces) {
    std::string port = free_port();
    auto eps = open_endpoints(cfg(), services(port + " inet n y n 1 smtpd\n"), {});
    ASSERT_TRUE(eps) << eps.error().message;
    ASSERT_EQ(eps->size(), 1u);
    EXPECT_EQ((*eps)[0].address, "127.0.0.1:" + port);
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ASSERT_EQ(::getsockname((*eps)[0].fd.get(), reinterpret_cast<sockaddr*>(&ss), &len), 0);
    EXPECT_EQ(ss.ss_family, AF_INET);
}

TEST_F(MasterServicesTest, ReloadSharesSocketsItAlreadyHas) {
    auto c = cfg();
    auto old = open_endpoints(c, services("a unix y y n 1 x\nb unix y y n 1 x\n"), {});
    ASSERT_TRUE(old);
    auto fresh = open_endpoints(c, services("a unix y y n 1 x\nc unix y y n 1 x\n"), *old);
    ASSERT_TRUE(fresh) << fresh.error().message;
    struct stat was {}, now {};
    ::fstat((*old)[0].fd.get(), &was);
    ::fstat((*fresh)[0].fd.get(), &now);
    EXPECT_EQ(was.st_ino, now.st_ino) << "service a keeps its socket";
    unlink_unused(*old, *fresh);
    EXPECT_FALSE(fs::exists(dir_ + "/queue/private/b"));
    EXPECT_TRUE(can_connect(dir_ + "/queue/private/a"));
    EXPECT_TRUE(can_connect(dir_ + "/queue/private/c"));
}

TEST_F(MasterServicesTest, PortInUseNamesTheAddress) {
    std::string port = free_port();
    auto first = open_endpoints(cfg(), services(port + " inet n y n 1 smtpd\n"), {});
    ASSERT_TRUE(first);
    auto second = open_endpoints(cfg(), services(port + " inet n y n 1 smtpd\n"), {});
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("127.0.0.1:" + port), std::string::npos) << second.error().message;
}

}  // namespace
}  // namespace postern::master
