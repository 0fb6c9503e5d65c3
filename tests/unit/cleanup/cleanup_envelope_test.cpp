#include "cleanup_envelope.hpp"
#include "cleanup_extract.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace postern::cleanup {
namespace {

Headers parse(std::string_view text) {
    HeaderReader r(65536);
    (void)r.feed(text);
    r.finish();
    return r.headers();
}

struct ExtractCase {
    const char* label;
    const char* headers;
    std::vector<std::string> want;
};

TEST(ExtractRecipientsTest, Table) {
    const std::vector<ExtractCase> cases = {
        {"To, Cc and Bcc", "To: a@x\nCc: b@x\nBcc: c@x\nFrom: f@x\n\n", {"a@x", "b@x", "c@x"}},
        {"names match without case", "TO: a@x\ncc: b@x\n\n", {"a@x", "b@x"}},
        {"group", "To: team: a@x, b@x;\n\n", {"a@x", "b@x"}},
        {"empty group", "To: undisclosed-recipients:;\nBcc: hidden@x\n\n", {"hidden@x"}},
        {"comments and display names", "To: \"Doe, J\" <jd@x> (work), Ann <ann@x>\n\n", {"jd@x", "ann@x"}},
        {"quoted local part", "To: \"a b\"@x\n\n", {"\"a b\"@x"}},
        {"folded header", "To: a@x,\n\tb@x\n\n", {"a@x", "b@x"}},
        {"unqualified kept for the envelope step", "To: root\n\n", {"root"}},
        {"Resent-* present: only Resent-To/Cc/Bcc", "To: old@x\nResent-From: r@x\nResent-To: new@x\nResent-Cc: cc@x\n\n",
         {"new@x", "cc@x"}},
        {"Resent-Date alone switches too", "To: old@x\nResent-Date: today\n\n", {}},
        {"Resent-Message-ID switches", "Cc: old@x\nResent-Message-ID: <1@x>\nResent-Bcc: b@x\n\n", {"b@x"}},
        {"garbage skipped, good kept", "To: not an address, ok@x\n\n", {"ok@x"}},
        {"no recipient headers", "Subject: hi\n\n", {}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(extract_recipients(parse(c.headers), {}).recipients, c.want);
    }
}

Settings settings() {
    Settings s;
    s.myhostname = "mx.example.org";
    s.myorigin = "example.org";
    s.recipient_limit = 5;
    return s;
}

ipc::CleanupOpen open_local(std::vector<std::string> rcpts, bool t = false) {
    ipc::CleanupOpen o;
    o.origin = "pickup";
    o.sender = "alice";
    o.uid = 1000;
    o.extract_recipients = t;
    o.recipients = std::move(rcpts);
    return o;
}

TEST(PrepareEnvelopeTest, QualifiesUnqualifiedAddresses) {
    auto p = prepare_envelope(open_local({"bob", "carol@else.org"}), {}, settings());
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->sender, "alice@example.org");
    EXPECT_EQ(p->recipients, (std::vector<std::string>{"bob@example.org", "carol@else.org"}));
}

TEST(PrepareEnvelopeTest, NullSenderStaysNull) {
    auto o = open_local({"bob"});
    o.sender = "";
    EXPECT_EQ(prepare_envelope(o, {}, settings())->sender, "");
}

TEST(PrepareEnvelopeTest, ExtractAddsCommandLineRecipientsAndRemovesDuplicates) {
    Headers h = parse("To: Bob <bob@Example.ORG>, root\nCc: carol@x.org\n\n");
    auto p = prepare_envelope(open_local({"bob@example.org", "dave@x.org", "root"}, true), h, settings());
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->recipients,
              (std::vector<std::string>{"bob@Example.ORG", "root@example.org", "carol@x.org", "dave@x.org"}));
}

TEST(PrepareEnvelopeTest, LocalPartCaseIsSignificantForDuplicates) {
    auto p = prepare_envelope(open_local({"Bob@x.org", "bob@x.org"}), {}, settings());
    EXPECT_EQ(p->recipients.size(), 2u);
}

TEST(PrepareEnvelopeTest, CommandLineArgumentMayHoldAList) {
    auto p = prepare_envelope(open_local({"Joe <joe@x.org>, ann@x.org"}), {}, settings());
    EXPECT_EQ(p->recipients, (std::vector<std::string>{"joe@x.org", "ann@x.org"}));
}

TEST(PrepareEnvelopeTest, NoRecipientsIsRefused) {
    auto p = prepare_envelope(open_local({}, true), parse("Subject: x\n\n"), settings());
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "5.1.3 no recipients specified");
}

TEST(PrepareEnvelopeTest, RecipientLimitExactlyIsAccepted) {
    EXPECT_TRUE(prepare_envelope(open_local({"a", "b", "c", "d", "e"}), {}, settings()).ok());
}

TEST(PrepareEnvelopeTest, RecipientLimitPlusOneIsRefused) {
    auto p = prepare_envelope(open_local({"a", "b", "c", "d", "e", "f"}), {}, settings());
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "5.5.3 too many recipients");
}

TEST(PrepareEnvelopeTest, RecipientLimitPlusOneCountsHeaderRecipients) {
    Headers h = parse("To: a@x, b@x, c@x\nCc: d@x, e@x\n\n");
    EXPECT_TRUE(prepare_envelope(open_local({}, true), h, settings()).ok());
    auto p = prepare_envelope(open_local({"f@x"}, true), h, settings());
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().message, "5.5.3 too many recipients");
}

TEST(PrepareEnvelopeTest, ControlBytesInAddressesAreRefused) {
    auto bad_rcpt = prepare_envelope(open_local({"bob\n@x"}), {}, settings());
    ASSERT_FALSE(bad_rcpt.ok());
    EXPECT_EQ(bad_rcpt.error().message.substr(0, 5), "5.1.3");
    auto o = open_local({"bob"});
    o.sender = "al\rice";
    auto bad_sender = prepare_envelope(o, {}, settings());
    ASSERT_FALSE(bad_sender.ok());
    EXPECT_EQ(bad_sender.error().message, "5.1.7 bad sender address syntax");
}

TEST(PrepareEnvelopeTest, EnvelopeRecordsOriginAndClient) {
    auto o = open_local({"bob"});
    o.origin = "smtpd";
    o.client_name = "c.example";
    o.client_addr = "192.0.2.1";
    o.helo = "c";
    auto p = prepare_envelope(o, {}, settings());
    auto env = make_envelope(o, *p, {});
    EXPECT_EQ(env.attrs, (std::vector<std::pair<std::string, std::string>>{
                             {"origin", "smtpd"}, {"client_name", "c.example"}, {"client_addr", "192.0.2.1"},
                             {"helo", "c"}}));
    ASSERT_EQ(env.recipients.size(), 1u);
    EXPECT_EQ(env.recipients[0].status, queue::RcptStatus::Pending);
}

TEST(QualifyTest, Cases) {
    EXPECT_EQ(qualify("bob", "example.org"), "bob@example.org");
    EXPECT_EQ(qualify("bob@x", "example.org"), "bob@x");
    EXPECT_EQ(qualify("\"a@b\"", "example.org"), "\"a@b\"@example.org");
    EXPECT_EQ(qualify("", "example.org"), "");
}

}  // namespace
}  // namespace postern::cleanup
