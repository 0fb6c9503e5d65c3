// The pure parts of the SMTP client: replies, DATA encoding, next hops,
// xtext, MX ordering.
#include <gtest/gtest.h>

#include "smtp_content.hpp"
#include "smtp_dns.hpp"
#include "smtp_nexthop.hpp"
#include "smtp_reply.hpp"
#include "smtp_session.hpp"

namespace postern::smtp {
namespace {

TEST(ReplyParser, MultiLineReplyEndsAtSpaceSeparator) {
    ReplyParser p(10);
    ASSERT_FALSE(*p.feed("250-mx.test hello"));
    ASSERT_FALSE(*p.feed("250-PIPELINING"));
    ASSERT_TRUE(*p.feed("250 SIZE 1000"));
    Reply r = p.take();
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.lines.size(), 3u);
    EXPECT_EQ(r.text(), "250 mx.test hello PIPELINING SIZE 1000");
}

TEST(ReplyParser, BareCodeIsAWholeReply) {
    ReplyParser p(10);
    ASSERT_TRUE(*p.feed("354"));
    EXPECT_EQ(p.take().code, 354);
}

TEST(ReplyParser, RejectsMalformedLines) {
    for (const char* bad : {"", "25", "abc hello", "250x", "650 what", "099 no"}) {
        ReplyParser p(10);
        EXPECT_FALSE(p.feed(bad).ok()) << bad;
    }
}

TEST(ReplyParser, RejectsCodeChangeMidReply) {
    ReplyParser p(10);
    ASSERT_FALSE(*p.feed("250-a"));
    EXPECT_FALSE(p.feed("251 b").ok());
}

TEST(ReplyParser, LineLimitPlusOneIsRefused) {
    ReplyParser p(3);
    ASSERT_FALSE(*p.feed("250-a"));
    ASSERT_FALSE(*p.feed("250-b"));
    ASSERT_FALSE(*p.feed("250-c"));
    EXPECT_FALSE(p.feed("250 d").ok());
}

TEST(Reply, EnhancedCodeOnlyWhenClassMatches) {
    EXPECT_EQ((Reply{550, {"5.1.1 no such user"}}).enhanced(), "5.1.1");
    EXPECT_EQ((Reply{550, {"4.1.1 odd"}}).enhanced(), "");
    EXPECT_EQ((Reply{451, {"try later"}}).enhanced(), "");
}

struct EncodeCase {
    const char* label;
    std::vector<std::string> chunks;
    std::string want;
};

TEST(DataEncoder, LfToCrlfAndDotStuffing) {
    const EncodeCase cases[] = {
        {"plain", {"a\nb\n"}, "a\r\nb\r\n.\r\n"},
        {"leading dot", {".x\n..\n"}, "..x\r\n...\r\n.\r\n"},
        {"dot after split", {"a\n", ".b\n"}, "a\r\n..b\r\n.\r\n"},
        {"no final newline", {"abc"}, "abc\r\n.\r\n"},
        {"crlf kept once", {"a\r", "\nb\r\n"}, "a\r\nb\r\n.\r\n"},
        {"bare cr kept", {"a\rb\n"}, "a\rb\r\n.\r\n"},
        {"empty", {}, ".\r\n"},
        {"lone dot line", {".\n"}, "..\r\n.\r\n"},
    };
    for (const auto& c : cases) {
        DataEncoder enc;
        std::string out;
        for (const auto& ch : c.chunks) enc.encode(ch, out);
        enc.finish(out);
        EXPECT_EQ(out, c.want) << c.label;
    }
}

TEST(DataEncoder, Detects8bit) {
    EXPECT_FALSE(has_8bit("hello\n"));
    EXPECT_TRUE(has_8bit("h\xc3\xa9llo\n"));
}

struct HopCase {
    const char* text;
    bool ok;
    NextHop want;
};

TEST(NextHop, ParsesPostfixForms) {
    const HopCase cases[] = {
        {"Example.COM", true, {"example.com", 25, true, false}},
        {"example.com:2525", true, {"example.com", 2525, true, false}},
        {"[mail.example.com]", true, {"mail.example.com", 25, false, false}},
        {"[127.0.0.2]:2525", true, {"127.0.0.2", 2525, false, true}},
        {"[IPv6:::1]:26", true, {"::1", 26, false, true}},
        {"", false, {}},
        {"[host", false, {}},
        {"host:0", false, {}},
        {"host:65536", false, {}},
        {"host:x", false, {}},
        {"a b", false, {}},
    };
    for (const auto& c : cases) {
        auto hop = parse_nexthop(c.text, 25);
        ASSERT_EQ(hop.ok(), c.ok) << c.text;
        if (c.ok) {
            EXPECT_EQ(*hop, c.want) << c.text;
        }
    }
}

TEST(Xtext, EncodesPlusEqualsAndControls) {
    EXPECT_EQ(xtext("a+b=c d"), "a+2Bb+3Dc+20d");
    EXPECT_EQ(xtext("plain@x.org"), "plain@x.org");
}

TEST(MxOrder, SortsByPreferenceAndKeepsAllHosts) {
    std::vector<MxHost> hosts{{"c", 20, {}}, {"a", 10, {}}, {"b", 10, {}}, {"d", 30, {}}};
    for (int round = 0; round < 20; ++round) {
        auto h = hosts;
        order_mx_hosts(h);
        ASSERT_EQ(h.size(), 4u);
        EXPECT_EQ(h[0].preference, 10);
        EXPECT_EQ(h[1].preference, 10);
        EXPECT_EQ(h[2].name, "c");
        EXPECT_EQ(h[3].name, "d");
    }
}

TEST(MxOrder, ShufflesEqualPreferences) {
    bool a_first = false, b_first = false;
    for (int round = 0; round < 200 && !(a_first && b_first); ++round) {
        std::vector<MxHost> h{{"a", 10, {}}, {"b", 10, {}}};
        order_mx_hosts(h);
        (h[0].name == "a" ? a_first : b_first) = true;
    }
    EXPECT_TRUE(a_first && b_first);
}

TEST(DnsName, NormalizesCaseAndTrailingDot) {
    EXPECT_EQ(normalize_name("Mail.Example.COM."), "mail.example.com");
    EXPECT_EQ(normalize_name("."), "");
}

}  // namespace
}  // namespace postern::smtp
