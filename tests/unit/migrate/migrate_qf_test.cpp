// The qf reader and the postern message it becomes, on bytes shaped like
// sendmail 8.17's own queue files.
#include <gtest/gtest.h>

#include <ostream>

#include "migrate/migrate_qf.hpp"

namespace postern::migrate {
namespace {

const std::string kQf =
    "V8\nT1795324953\nK0\nN0\nP120093\nMUser unknown\nF8bs\n$_root@localhost\n${daemon_flags}c u\n"
    "Ssender@example.org\nZenvid123\nAsender@example.org\n"
    "QRFC822; orig%40example.org\nrRFC822; alice@example.org\nRPNSF:alice@example.org\n"
    "rRFC822; bob@example.net\nRP:bob@example.net\n"
    "H?P?Return-Path: <\201g>\n"
    "H??Received: (from root@localhost)\n\tby mx.example.test (8.17.1.9/8.17.1.9) id 6AM5MXOY006329;\n"
    "H?D?Date: Sun, 22 Nov 2026 05:22:33 GMT\nH?F?From: sender@example.org\nH?x?Full-Name: Sender\n"
    "H??Subject: caf\xc3\xa9 \xe9t\xe9\nH??To: alice@example.org\nH??Bcc: hidden@example.org\n.\n";

TEST(QfReader, ReadsEnvelopeRecipientsAndFlags) {
    auto qf = parse_qf(kQf);
    ASSERT_TRUE(qf.ok()) << qf.error().message;
    EXPECT_EQ(qf->version, 8);
    EXPECT_EQ(qf->created, 1795324953);
    EXPECT_EQ(qf->sender, "sender@example.org");
    EXPECT_EQ(qf->envid, "envid123");
    ASSERT_EQ(qf->recipients.size(), 2u);
    EXPECT_EQ(qf->recipients[0].address, "alice@example.org");
    EXPECT_EQ(qf->recipients[0].flags, "PNSF");
    EXPECT_EQ(qf->recipients[0].orcpt, "RFC822; orig%40example.org");
    EXPECT_EQ(qf->recipients[1].orcpt, "");  // Q applies to the next R only
    EXPECT_TRUE(qf->has_flag('b'));
}

TEST(QfReader, ResolvesConditionalHeadersForTheSmtpMailer) {
    auto qf = parse_qf(kQf);
    ASSERT_TRUE(qf.ok());
    std::vector<std::string> unexpanded;
    std::string h = resolve_headers(*qf, "mDFMuXa", unexpanded);
    EXPECT_EQ(h.find("Return-Path"), std::string::npos);  // ?P?: the local agent adds it
    EXPECT_EQ(h.find("Full-Name"), std::string::npos);    // ?x?: no x flag
    EXPECT_EQ(h.find("Bcc"), std::string::npos);          // F has b
    EXPECT_NE(h.find("Date: Sun"), std::string::npos);
    EXPECT_NE(h.find("\tby mx.example.test"), std::string::npos);
    EXPECT_NE(h.find("Subject: caf\xc3\xa9 \xe9t\xe9\n"), std::string::npos);  // bytes unchanged
    EXPECT_TRUE(unexpanded.empty());
}

TEST(QfReader, ExpandsTheSenderMacroWhenTheMailerHasTheFlag) {
    auto qf = parse_qf(kQf);
    ASSERT_TRUE(qf.ok());
    std::vector<std::string> unexpanded;
    EXPECT_NE(resolve_headers(*qf, "P", unexpanded).find("Return-Path: <sender@example.org>\n"), std::string::npos);
}

TEST(QfReader, MacrosTheQueueCarriesAreExpandedOthersReported) {
    auto qf = parse_qf("V8\nT1\nSa@b.c\n${client_name}client.example\nRP:x@y.z\n"
                       "H??X-A: \201{client_name} \201{nope} \201q\n.\n");
    ASSERT_TRUE(qf.ok()) << qf.error().message;
    std::vector<std::string> unexpanded;
    EXPECT_EQ(resolve_headers(*qf, "", unexpanded), "X-A: client.example ${nope} $q\n");
    EXPECT_EQ(unexpanded, (std::vector<std::string>{"X-A: ${nope}", "X-A: $q"}));
}

TEST(QfReader, NotifyAndDsnBecomeEnvelopeFields) {
    auto qf = parse_qf(kQf);
    ASSERT_TRUE(qf.ok());
    auto env = make_envelope(*qf, "6AM5MXOY006329");
    ASSERT_EQ(env.recipients.size(), 2u);
    EXPECT_EQ(env.recipients[0].notify, "SUCCESS,FAILURE");
    EXPECT_EQ(env.recipients[1].notify, "");  // no N: sendmail's default
    EXPECT_EQ(env.arrival.tv_sec, 1795324953);
    EXPECT_EQ(env.sender, "sender@example.org");
}

struct Damaged {
    const char* name;
    std::string text;
    const char* error;
};

void PrintTo(const Damaged& d, std::ostream* os) { *os << d.name; }

class QfDamaged : public ::testing::TestWithParam<Damaged> {};

TEST_P(QfDamaged, IsRefusedWithTheLine) {
    auto qf = parse_qf(GetParam().text);
    ASSERT_FALSE(qf.ok());
    EXPECT_NE(qf.error().message.find(GetParam().error), std::string::npos) << qf.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    All, QfDamaged,
    ::testing::Values(Damaged{"NoFinalDot", "V8\nT1\nSa\nRP:b\n", "truncated"},
                      Damaged{"UnknownLetter", "V8\nT1\nSa\nW?\nRP:b\n.\n", "line 4: unknown record 'W'"},
                      Damaged{"VersionAbove8", "V9\nT1\n.\n", "above 8"},
                      Damaged{"NoNewline", "V8\nT1\n.", "no newline"},
                      Damaged{"DataAfterDot", "V8\nT1\n.\nSa\n", "after the final"},
                      Damaged{"NoCreationTime", "V8\nSa\n.\n", "no T"},
                      Damaged{"StrayContinuation", "V8\nT1\n\tx\n.\n", "continuation"}),
    [](const ::testing::TestParamInfo<Damaged>& p) { return std::string(p.param.name); });

TEST(QfReader, ProgramRecipientsNeedAHuman) {
    auto qf = parse_qf("V8\nT1\nSa\nCbob:100:100:alias\nRP:|/usr/bin/vacation bob\nRP:carol@example.org\n.\n");
    ASSERT_TRUE(qf.ok());
    EXPECT_EQ(qf->recipients[0].controller, "bob:100:100:alias");
    EXPECT_EQ(unconvertible_reason(qf->recipients[0]), "a program recipient");
    EXPECT_EQ(unconvertible_reason(qf->recipients[1]), "");
}

TEST(QfReader, BounceSenderIsNull) {
    auto qf = parse_qf("V8\nT1\nFrs\nSMAILER-DAEMON\nRP:a@b\n.\n");
    ASSERT_TRUE(qf.ok());
    EXPECT_TRUE(qf->null_sender());
    EXPECT_EQ(make_envelope(*qf, "x").sender, "");
}

}  // namespace
}  // namespace postern::migrate
