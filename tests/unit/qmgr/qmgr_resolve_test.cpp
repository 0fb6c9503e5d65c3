#include "qmgr_resolve.hpp"

#include <gtest/gtest.h>

namespace postern::qmgr {
namespace {

RoutingTable table(std::string relayhost = "") {
    RoutingTable t;
    t.mydestination = {"mail.example.org", "localhost.example.org", "localhost"};
    t.local_transport = "local";
    t.default_transport = "smtp";
    t.relayhost = std::move(relayhost);
    return t;
}

struct Case {
    const char* label;
    const char* address;
    const char* relayhost;
    Route want;
};

TEST(QmgrResolve, RoutesByDomainTable) {
    const Case cases[] = {
        {"bare user is local", "alice", "", {"local", ""}},
        {"domain in mydestination", "alice@mail.example.org", "", {"local", "mail.example.org"}},
        {"domain matched case-insensitively", "alice@MAIL.Example.ORG", "", {"local", "mail.example.org"}},
        {"trailing dot removed", "alice@localhost.", "", {"local", "localhost"}},
        {"empty domain is local", "alice@", "", {"local", ""}},
        {"last @ wins", "\"a@b\"@localhost", "", {"local", "localhost"}},
        {"remote domain to smtp", "bob@Example.COM", "", {"smtp", "example.com"}},
        {"relayhost becomes nexthop", "bob@example.com", "[relay.example.net]:587",
         {"smtp", "[relay.example.net]:587"}},
        {"relayhost ignored for local", "alice@localhost", "[relay.example.net]", {"local", "localhost"}},
        {"subdomain is not local", "bob@sub.localhost", "", {"smtp", "sub.localhost"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(resolve_recipient(c.address, table(c.relayhost)), c.want);
    }
}

TEST(QmgrResolve, TransportNamesComeFromTheTable) {
    auto t = table();
    t.local_transport = "lmtp";
    t.default_transport = "relay";
    EXPECT_EQ(resolve_recipient("a@localhost", t).transport, "lmtp");
    EXPECT_EQ(resolve_recipient("a@example.com", t).transport, "relay");
}

TEST(QmgrResolve, DomainHelpers) {
    EXPECT_EQ(normalize_domain("Example.ORG."), "example.org");
    EXPECT_EQ(normalize_domain(""), "");
    EXPECT_EQ(recipient_domain("user"), "");
    EXPECT_EQ(recipient_domain("user@Host.Example."), "host.example");
    EXPECT_TRUE(is_local_domain("localhost", {"localhost"}));
    EXPECT_FALSE(is_local_domain("localhost", {}));
}

}  // namespace
}  // namespace postern::qmgr
