// ldap: configuration and the query/result expansion (the server side is
// tested against a real slapd in tests/integration/test_maps_ldap.py).
#include <gtest/gtest.h>

#include "maps/ldap_config.hpp"
#include "maps/registry.hpp"
#include "maps_test_util.hpp"

namespace postern::maps {
namespace {

TEST(LdapConfig, ParsesPostfixStyleNames) {
    auto cfg = parse_ldap_config("server_host = ldap://127.0.0.1:3899 h2\n"
                                 "search_base = dc=example,dc=test\n"
                                 "query_filter = (&(objectClass=inetOrgPerson)\n"
                                 "   (mail=%s))\n"
                                 "result_attribute = mailRoutingAddress, maildrop\n"
                                 "scope = one\nbind = yes\nbind_dn = cn=admin\nbind_pw = secret\n"
                                 "timeout = 3\nsize_limit = 5\nstart_tls = no\n",
                                 "t.cf");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->uri_list(), "ldap://127.0.0.1:3899 ldap://h2:389");
    EXPECT_EQ(cfg->query_filter, "(&(objectClass=inetOrgPerson) (mail=%s))");
    EXPECT_EQ(cfg->result_attribute.size(), 2u);
    EXPECT_EQ(cfg->scope, LdapScope::One);
    EXPECT_TRUE(cfg->bind);
    EXPECT_EQ(cfg->timeout.count(), 3);
    EXPECT_EQ(cfg->size_limit, 5);
}

TEST(LdapConfig, ErrorsNameFileAndLine) {
    struct Case { const char* label; const char* text; const char* want; };
    const Case cases[] = {
        {"unknown key", "search_base = x\nserach_scope = sub\n", "t.cf:2: unknown parameter \"serach_scope\""},
        {"bad scope", "scope = everything\n", "t.cf:1: scope"},
        {"bad number", "timeout = soon\n", "t.cf:1: timeout: bad number"},
        {"no equals", "search_base\n", "t.cf:1: expected name = value"},
    };
    for (const Case& c : cases) {
        auto cfg = parse_ldap_config(c.text, "t.cf");
        ASSERT_FALSE(cfg.ok()) << c.label;
        EXPECT_NE(cfg.error().message.find(c.want), std::string::npos) << c.label << ": " << cfg.error().message;
    }
}

TEST(LdapConfig, UnknownKeyFailsTheTableOpen) {
    test::TempDir dir;
    auto map = open_map("ldap:" + dir.write("x.cf", "bogus = 1\n"));
    ASSERT_FALSE(map.ok());
    EXPECT_NE(map.error().message.find("x.cf:1: unknown parameter"), std::string::npos);
}

TEST(LdapFilter, ExpandsAndEscapes) {
    struct Case { const char* label; const char* filter; const char* key; const char* want; };
    const Case cases[] = {
        {"whole key", "(mail=%s)", "Alice@Example.Test", "(mail=alice@example.test)"},
        {"upper keeps case", "(mail=%S)", "Alice@Example.Test", "(mail=Alice@Example.Test)"},
        {"user and domain", "(&(uid=%u)(dc=%d))", "bob@example.test", "(&(uid=bob)(dc=example.test))"},
        {"domain labels", "(dc=%2)(dc=%1)", "x@mail.example.test", "(dc=example)(dc=test)"},
        {"escaping", "(cn=%s)", "a*(b)\\", "(cn=a\\2a\\28b\\29\\5c)"},
        {"percent", "(x=100%%)", "k", "(x=100%)"},
    };
    for (const Case& c : cases) {
        auto f = expand_filter(c.filter, c.key);
        ASSERT_TRUE(f.ok()) << c.label;
        ASSERT_TRUE(f->has_value()) << c.label;
        EXPECT_EQ(**f, c.want) << c.label;
    }
}

TEST(LdapFilter, DomainPartsOfAKeyWithoutDomainSuppressTheQuery) {
    auto f = expand_filter("(dc=%d)", "localuser");
    ASSERT_TRUE(f.ok());
    EXPECT_FALSE(f->has_value());
    auto g = expand_filter("(dc=%3)", "a@example.test");
    ASSERT_TRUE(g.ok());
    EXPECT_FALSE(g->has_value());
    EXPECT_FALSE(expand_filter("(x=%q)", "k").ok());
}

TEST(LdapResult, FormatsValues) {
    EXPECT_EQ(*expand_result("%s", "a@b"), "a@b");
    EXPECT_EQ(*expand_result("smtp:[%d]", "a@b.test"), "smtp:[b.test]");
    EXPECT_EQ(*expand_result("%u+ldap", "a@b"), "a+ldap");
    EXPECT_FALSE(expand_result("%d", "nodomain").has_value());
}

TEST(LdapConfig, DomainRestriction) {
    LdapConfig cfg;
    cfg.domain = {"example.test"};
    EXPECT_TRUE(domain_allowed(cfg, "a@Example.Test"));
    EXPECT_FALSE(domain_allowed(cfg, "a@other.test"));
    EXPECT_FALSE(domain_allowed(cfg, "a"));
}

}  // namespace
}  // namespace postern::maps
