#include "smtpd_args.hpp"

#include <gtest/gtest.h>

namespace postern::smtpd {
namespace {

struct MailCase {
    const char* label;
    const char* text;
    const char* want;  // sender, or the reply when it fails
    bool ok;
};

TEST(ParseMail, Table) {
    const MailCase cases[] = {
        {"plain", " FROM:<a@example.org>", "a@example.org", true},
        {"space after colon", " FROM: <a@example.org>", "a@example.org", true},
        {"null sender", " FROM:<>", "", true},
        {"params", " FROM:<a@b.org> SIZE=100 BODY=8BITMIME RET=HDRS ENVID=x+2By", "a@b.org", true},
        {"source route ignored", " FROM:<@relay.org:a@b.org>", "a@b.org", true},
        {"no brackets", " FROM:a@b.org", "501 5.5.4 Syntax: MAIL FROM:<address>", false},
        {"no domain", " FROM:<a>", "501 5.1.7 Bad sender address syntax", false},
        {"too big", " FROM:<a@b.org> SIZE=1001", "552 5.3.4 Message size exceeds fixed limit", false},
        {"bad body", " FROM:<a@b.org> BODY=BINARYMIME", "501 5.5.4 Unsupported BODY parameter", false},
        {"unknown param", " FROM:<a@b.org> FOO=1", "555 5.5.4 Unsupported option: FOO", false},
        {"duplicate param", " FROM:<a@b.org> SIZE=1 SIZE=2", "501 5.5.4 Duplicate parameter SIZE", false},
        {"bad envid", " FROM:<a@b.org> ENVID=a=b", "501 5.5.4 Bad ENVID parameter", false},
        {"utf8 without SMTPUTF8", " FROM:<j\xc3\xb6@b.org>", "501 5.1.7 Bad sender address syntax", false},
        {"utf8 with SMTPUTF8", " FROM:<j\xc3\xb6@b.org> SMTPUTF8", "j\xc3\xb6@b.org", true},
    };
    for (const auto& c : cases) {
        auto m = parse_mail(c.text, 1000);
        ASSERT_EQ(m.ok(), c.ok) << c.label;
        EXPECT_EQ(c.ok ? m->sender : m.error().message, c.want) << c.label;
    }
}

TEST(ParseRcpt, Table) {
    const MailCase cases[] = {
        {"plain", " TO:<alice@localhost>", "alice@localhost", true},
        {"postmaster alone", " TO:<Postmaster>", "postmaster", true},
        {"dsn params", " TO:<a@b.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;a@b.org", "a@b.org", true},
        {"route stripped", " TO:<@ours.org:user@evil.org>", "user@evil.org", true},
        {"bang path unqualified", " TO:<host!user>", "501 5.1.3 Bad recipient address syntax", false},
        {"bad notify", " TO:<a@b.org> NOTIFY=NEVER,SUCCESS", "501 5.5.4 Bad NOTIFY parameter", false},
        {"bad orcpt", " TO:<a@b.org> ORCPT=a@b.org", "501 5.5.4 Bad ORCPT parameter", false},
        {"quoted > inside", " TO:<\"a>b\"@b.org>", "\"a>b\"@b.org", true},
        {"junk after path", " TO:<a@b.org>x", "501 5.5.4 Syntax: RCPT TO:<address>", false},
    };
    for (const auto& c : cases) {
        auto r = parse_rcpt(c.text, false);
        ASSERT_EQ(r.ok(), c.ok) << c.label << (r ? "" : r.error().message);
        EXPECT_EQ(c.ok ? r->recipient : r.error().message, c.want) << c.label;
    }
}

TEST(Xtext, AcceptsHexEscapesOnly) {
    EXPECT_TRUE(valid_xtext("abc+2B"));
    EXPECT_FALSE(valid_xtext("abc+2"));
    EXPECT_FALSE(valid_xtext("a b"));
    EXPECT_FALSE(valid_xtext("a=b"));
}

}  // namespace
}  // namespace postern::smtpd

namespace postern::smtpd {
namespace {

TEST(Dsn, EnvidAndOrcptAreDecodedFromXtext) {
    auto m = parse_mail(" FROM:<a@b.org> RET=hdrs ENVID=id+2B1", 1000);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->envid, "id+1");
    EXPECT_EQ(m->ret, "HDRS");
    auto r = parse_rcpt(" TO:<a@b.org> NOTIFY=FAILURE ORCPT=rfc822;x+2By@b.org", false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->orcpt, "rfc822;x+y@b.org");
    EXPECT_EQ(r->notify, "FAILURE");
}

}  // namespace
}  // namespace postern::smtpd
