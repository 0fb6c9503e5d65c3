// Client name confirmation: PTR names must resolve back to the address.
#include "smtpd_client_name.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace postern::smtpd {
namespace {

TEST(ClientName, ReverseNames) {
    EXPECT_EQ(reverse_name("127.0.0.4"), "4.0.0.127.in-addr.arpa");
    EXPECT_EQ(reverse_name("192.0.2.10"), "10.2.0.192.in-addr.arpa");
    EXPECT_EQ(reverse_name("2001:db8::1"),
              "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    EXPECT_EQ(reverse_name("not-an-address"), "");
}

TEST(ClientName, ValidNames) {
    EXPECT_TRUE(valid_client_name("mail.example.com"));
    EXPECT_TRUE(valid_client_name("host-1.sub_domain.example"));
    EXPECT_FALSE(valid_client_name(""));
    EXPECT_FALSE(valid_client_name("127.0.0.1"));     // looks like an address
    EXPECT_FALSE(valid_client_name("2001:db8::1"));
    EXPECT_FALSE(valid_client_name("a..b"));
    EXPECT_FALSE(valid_client_name("-a.example"));
    EXPECT_FALSE(valid_client_name("a b.example"));    // would break Received:
    EXPECT_FALSE(valid_client_name("evil]\r\nX-Injected: 1"));
    EXPECT_FALSE(valid_client_name(std::string(64, 'a') + ".example"));
    EXPECT_FALSE(valid_client_name(std::string(300, 'a')));
}

TEST(ClientName, ConfirmedWhenForwardLookupHasTheAddress) {
    std::vector<NameCandidate> c{{"Mail.Example.COM.", {"192.0.2.9", "192.0.2.10"}}};
    EXPECT_EQ(confirmed_name("192.0.2.10", c), "mail.example.com");
}

TEST(ClientName, UnknownWhenForwardLookupDoesNotMatch) {
    std::vector<NameCandidate> c{{"liar.example", {"192.0.2.99"}}};
    EXPECT_EQ(confirmed_name("192.0.2.10", c), "unknown");
    EXPECT_EQ(confirmed_name("192.0.2.10", {}), "unknown");
    EXPECT_EQ(confirmed_name("192.0.2.10", {{"noaddr.example", {}}}), "unknown");
}

TEST(ClientName, FirstConfirmedOfSeveralPtrNames) {
    std::vector<NameCandidate> c{{"other.example", {"192.0.2.1"}},
                                 {"bad name.example", {"192.0.2.10"}},
                                 {"good.example", {"192.0.2.10"}}};
    EXPECT_EQ(confirmed_name("192.0.2.10", c), "good.example");
}

TEST(ClientName, ComparesAddressesNotText) {
    std::vector<NameCandidate> c{{"v6.example", {"2001:0db8:0000:0000:0000:0000:0000:0001"}}};
    EXPECT_EQ(confirmed_name("2001:db8::1", c), "v6.example");
    EXPECT_EQ(confirmed_name("2001:db8::2", c), "unknown");
    EXPECT_EQ(confirmed_name("garbage", c), "unknown");
}

TEST(ClientName, RefusingServerGivesUnknownAndAWarning) {
    // A loopback port with nothing behind it: the query is refused at once.
    dns::Settings s{{"127.0.0.1"}, 9, std::chrono::milliseconds(1000)};
    ClientName n = lookup_client_name(s, "127.0.0.2", dns::Clock::now() + std::chrono::milliseconds(1500));
    EXPECT_EQ(n.name, "unknown");
    EXPECT_NE(n.warning.find("hostname lookup for 127.0.0.2 failed"), std::string::npos) << n.warning;
}

TEST(ClientName, SilentServerCostsTheDeadlineAndNoMore) {
    // A UDP socket that never answers: the lookup ends at its deadline.
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sin), len), 0);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len), 0);
    dns::Settings s{{"127.0.0.1"}, ntohs(sin.sin_port), std::chrono::milliseconds(1200)};
    auto start = dns::Clock::now();
    ClientName n = lookup_client_name(s, "127.0.0.2", start + s.timeout);
    auto took = dns::Clock::now() - start;
    ::close(fd);
    EXPECT_GE(took, std::chrono::milliseconds(1100));
    EXPECT_LT(took, std::chrono::milliseconds(2000));
    EXPECT_EQ(n.name, "unknown");
    EXPECT_FALSE(n.warning.empty());
}

TEST(ClientName, PastDeadlineIsNotStarted) {
    dns::Settings s{{"127.0.0.1"}, 9, std::chrono::milliseconds(1000)};
    ClientName n = lookup_client_name(s, "127.0.0.2", dns::Clock::now() - std::chrono::seconds(1));
    EXPECT_EQ(n.name, "unknown");
    EXPECT_NE(n.warning.find("timeout"), std::string::npos);
}

}  // namespace
}  // namespace postern::smtpd

namespace postern::smtpd {
namespace {

TEST(HostsFile, NamesAnAddressTheFileListsWithoutDns) {
    const std::string hosts = "# comment\n127.0.0.1\tlocalhost vm # trailing\n::1 localhost ip6-localhost\n"
                              "192.0.2.5 other\n";
    auto c = hosts_file_candidates(hosts, "127.0.0.1");
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(confirmed_name("127.0.0.1", c), "localhost");
    EXPECT_EQ(confirmed_name("::1", hosts_file_candidates(hosts, "::1")), "localhost");
    EXPECT_TRUE(hosts_file_candidates(hosts, "127.0.0.3").empty());
    EXPECT_TRUE(hosts_file_candidates(hosts, "not an address").empty());
}

}  // namespace
}  // namespace postern::smtpd
