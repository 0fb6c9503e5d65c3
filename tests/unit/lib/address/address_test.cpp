#include "lib/address/address.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace postern::address {
namespace {

struct ListCase {
    const char* label;
    std::string input;
    std::vector<std::string> want;  // spec() of each address, in order
    std::size_t rejected;           // elements that must be refused
};

std::vector<ListCase> list_cases() {
    return {
        {"plain addr-spec", "alice@example.org", {"alice@example.org"}, 0},
        {"two addresses", "a@x.org, b@y.org", {"a@x.org", "b@y.org"}, 0},
        {"display name and angle", "Alice Smith <alice@example.org>", {"alice@example.org"}, 0},
        {"quoted display name with comma", "\"Smith, Alice\" <alice@example.org>, bob@x", {"alice@example.org", "bob@x"}, 0},
        {"comment after address", "alice@example.org (Alice)", {"alice@example.org"}, 0},
        {"comment inside local part", "alice(hi)@example.org", {"alice@example.org"}, 0},
        {"nested comments", "a@b (x (y (z)))", {"a@b"}, 0},
        {"comma inside comment is not a separator", "a@b (one, two)", {"a@b"}, 0},
        {"group", "list: a@b, c@d;", {"a@b", "c@d"}, 0},
        {"empty group", "undisclosed-recipients:;", {}, 0},
        {"group then address", "team: a@b; c@d", {"a@b", "c@d"}, 0},
        {"group without final semicolon", "team: a@b, c@d", {"a@b", "c@d"}, 0},
        {"quoted local part kept quoted", "\"john doe\"@example.org", {"\"john doe\"@example.org"}, 0},
        {"needless quotes dropped", "\"john.doe\"@example.org", {"john.doe@example.org"}, 0},
        {"quoted local part with escapes", "\"a\\\"b\"@x", {"\"a\\\"b\"@x"}, 0},
        {"unquoted double dot tolerated", "john..doe@example.org", {"\"john..doe\"@example.org"}, 0},
        {"unquoted trailing dot tolerated", "john.@example.org", {"\"john.\"@example.org"}, 0},
        {"trailing comma", "a@b,", {"a@b"}, 0},
        {"empty elements", ", ,a@b,,", {"a@b"}, 0},
        {"unqualified name", "root", {"root"}, 0},
        {"unqualified in angles", "Super User <root>", {"root"}, 0},
        {"domain literal", "a@[192.0.2.1]", {"a@[192.0.2.1]"}, 0},
        {"obs-route dropped", "<@relay.example,@other:user@example.org>", {"user@example.org"}, 0},
        {"folded value", "a@b,\n\tc@d", {"a@b", "c@d"}, 0},
        {"display name with dot", "John Q. Public <jqp@example.org>", {"jqp@example.org"}, 0},
        {"utf8 display name", "J\xc3\xb6rg <joerg@example.org>", {"joerg@example.org"}, 0},
        {"case kept", "Alice@Example.ORG", {"Alice@Example.ORG"}, 0},
        {"garbage between good ones", "a@b, this is not, c@d", {"a@b", "c@d"}, 1},
        // hostile or broken input: nothing becomes an address
        {"empty angle brackets", "<>", {}, 1},
        {"unterminated angle", "Alice <alice@example.org", {}, 1},
        {"unterminated quote swallows the rest", "\"abc@x, d@y", {}, 1},
        {"two words are not an address", "john doe@example.org", {}, 1},
        {"at sign only", "@", {}, 1},
        {"missing local part", "@example.org", {}, 1},
        {"missing domain", "alice@", {}, 1},
        {"double at", "a@b@c", {}, 1},
        {"domain with empty label", "a@b..c", {}, 1},
        {"domain ending in dot", "a@b.", {}, 1},
        {"unbalanced comment", "a@b (oops", {}, 1},
        {"nul byte", std::string("a\0b@c", 5), {}, 1},
        {"control characters", "a\x01@b", {}, 1},
        {"two angle addresses in one element", "<a@b> <c@d>", {}, 1},
        {"deep comment nesting refused", "a@b " + std::string(100, '(') + std::string(100, ')'), {}, 1},
        {"angle in display name", "a <b <c@d>>", {}, 1},
    };
}

std::vector<std::string> specs(const AddressList& l) {
    std::vector<std::string> out;
    for (const auto& a : l.addresses) out.push_back(a.spec());
    return out;
}

TEST(AddressListTest, TableOfInputs) {
    for (const auto& c : list_cases()) {
        SCOPED_TRACE(c.label);
        auto r = parse_address_list(c.input);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(specs(*r), c.want);
        EXPECT_EQ(r->rejected.size(), c.rejected);
    }
}

TEST(AddressListTest, DisplayNameIsDecoded) {
    auto r = parse_address_list("\"Smith, Alice\" <a@b>, John Q. Public <c@d>");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->addresses.size(), 2u);
    EXPECT_EQ(r->addresses[0].display_name, "Smith, Alice");
    EXPECT_EQ(r->addresses[1].display_name, "John Q. Public");
    EXPECT_EQ(r->addresses[1].local, "c");
    EXPECT_EQ(r->addresses[1].domain, "d");
}

TEST(AddressListTest, InputOverLimitIsRefused) {
    ListLimits limits;
    limits.max_input = 64;
    std::string value(64, 'a');
    EXPECT_TRUE(parse_address_list(value, limits).ok());
    EXPECT_FALSE(parse_address_list(value + "a", limits).ok());
}

TEST(AddressListTest, AddressCountOverLimitTruncates) {
    ListLimits limits;
    limits.max_addresses = 3;
    auto at = parse_address_list("a@x, b@x, c@x", limits);
    ASSERT_TRUE(at.ok());
    EXPECT_FALSE(at->truncated);
    auto over = parse_address_list("a@x, b@x, c@x, d@x", limits);
    ASSERT_TRUE(over.ok());
    EXPECT_TRUE(over->truncated);
    EXPECT_EQ(over->addresses.size(), 3u);
}

TEST(AddressListTest, CommentDepthLimitPlusOneIsRejected) {
    ListLimits limits;
    limits.max_comment_depth = 4;
    auto nest = [](int n) { return "a@b " + std::string(n, '(') + std::string(n, ')'); };
    EXPECT_EQ(parse_address_list(nest(4), limits)->addresses.size(), 1u);
    EXPECT_EQ(parse_address_list(nest(5), limits)->addresses.size(), 0u);
}

TEST(AddressListTest, RejectedListIsBounded) {
    ListLimits limits;
    limits.max_rejected = 2;
    auto r = parse_address_list("x y, x y, x y, x y, a@b", limits);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->rejected.size(), 2u);
    EXPECT_EQ(specs(*r), std::vector<std::string>{"a@b"});
}

TEST(AddressListTest, HugeHostileInputDoesNotCrash) {
    std::string hostile;
    for (int i = 0; i < 20000; ++i) hostile += "\"<(,@;:[";
    auto r = parse_address_list(hostile);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->addresses.empty());
}

TEST(ParseMailboxTest, AcceptsOneMailboxOnly) {
    EXPECT_EQ(parse_mailbox("Alice <a@b>")->spec(), "a@b");
    EXPECT_EQ(parse_mailbox("\"x,y\"@b")->spec(), "\"x,y\"@b");
    EXPECT_FALSE(parse_mailbox("a@b, c@d").ok());
    EXPECT_FALSE(parse_mailbox("group: a@b;").ok());
    EXPECT_FALSE(parse_mailbox("").ok());
}

struct SmtpCase {
    const char* label;
    std::string input;
    bool ok;
    std::string want;  // normalized, when ok
};

// "u@" + four 60-byte labels + a last label of n bytes: 246 + n octets.
std::string long_mailbox(std::size_t n) {
    return "u@" + std::string(60, 'a') + "." + std::string(60, 'b') + "." + std::string(60, 'c') + "." +
           std::string(60, 'd') + "." + std::string(n, 'e');
}

TEST(CheckSmtpMailboxTest, TableOfInputs) {
    const std::vector<SmtpCase> cases = {
        {"simple", "user@example.org", true, "user@example.org"},
        {"dots and plus", "first.last+tag@mail.example.org", true, "first.last+tag@mail.example.org"},
        {"needless quotes dropped", "\"user\"@example.org", true, "user@example.org"},
        {"quoted space kept", "\"a b\"@example.org", true, "\"a b\"@example.org"},
        {"ipv4 literal", "u@[192.0.2.1]", true, "u@[192.0.2.1]"},
        {"ipv6 literal", "u@[IPv6:2001:db8::1]", true, "u@[IPv6:2001:db8::1]"},
        {"hyphenated label", "u@xn--bcher-kva.example", true, "u@xn--bcher-kva.example"},
        {"bad ipv4 literal", "u@[300.1.1.1]", false, ""},
        {"bad ipv6 literal", "u@[IPv6:zz::1]", false, ""},
        {"unknown literal tag", "u@[x:y]", false, ""},
        {"no domain", "postmaster", false, ""},
        {"label ends in hyphen", "u@bad-.example", false, ""},
        {"label starts with hyphen", "u@-bad.example", false, ""},
        {"underscore in domain", "u@bad_name.example", false, ""},
        {"double dot local", "a..b@example.org", false, ""},
        {"space", "a b@example.org", false, ""},
        {"comment not allowed", "a(x)@example.org", false, ""},
        {"8-bit without SMTPUTF8", "j\xc3\xb6rg@example.org", false, ""},
        {"control char in quotes", "\"a\x01\"@example.org", false, ""},
        {"local part 64", std::string(64, 'a') + "@x.org", true, std::string(64, 'a') + "@x.org"},
        {"local part 65", std::string(65, 'a') + "@x.org", false, ""},
        {"label 63", "u@" + std::string(63, 'a') + ".org", true, "u@" + std::string(63, 'a') + ".org"},
        {"label 64", "u@" + std::string(64, 'a') + ".org", false, ""},
        {"mailbox 254", long_mailbox(8), true, ""},
        {"mailbox 255", long_mailbox(9), false, ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        auto r = check_smtp_mailbox(c.input);
        EXPECT_EQ(r.ok(), c.ok) << (r.ok() ? *r : r.error().message);
        if (r.ok() && c.ok) {
            EXPECT_EQ(*r, c.want.empty() ? c.input : c.want);
        }
    }
}

TEST(CheckSmtpMailboxTest, OptionsWidenWhatIsAccepted) {
    SmtpOptions utf8;
    utf8.allow_utf8 = true;
    EXPECT_TRUE(check_smtp_mailbox("j\xc3\xb6rg@b\xc3\xbc" "cher.example", utf8).ok());
    SmtpOptions bare;
    bare.require_domain = false;
    EXPECT_EQ(*check_smtp_mailbox("postmaster", bare), "postmaster");
}

TEST(QuoteLocalPartTest, QuotesOnlyWhenNeeded) {
    EXPECT_EQ(quote_local_part("a.b"), "a.b");
    EXPECT_EQ(quote_local_part("a b"), "\"a b\"");
    EXPECT_EQ(quote_local_part(""), "\"\"");
    EXPECT_EQ(quote_local_part(".a"), "\".a\"");
    EXPECT_EQ(quote_local_part("a\"b"), "\"a\\\"b\"");
}

}  // namespace
}  // namespace postern::address
