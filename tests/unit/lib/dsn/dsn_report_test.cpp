// RFC 3464 report text: structure, per-recipient fields, RET, NOTIFY rules.
#include "lib/dsn/dsn_report.hpp"

#include <gtest/gtest.h>

namespace postern::dsn {
namespace {

Report sample() {
    Report r;
    r.reporting_mta = "mx.example.org";
    r.queue_id = "1PJ4XH34L1NBG89M";
    r.sender = "alice@example.org";
    r.to = "alice@example.org";
    r.arrival = 1700000000;
    r.now = 1700000100;
    r.recipients.push_back(RecipientStatus{"bob@remote.test", "rfc822;Bob@Remote.test", Action::Failed, "5.1.1",
                                           "host mx.remote.test[192.0.2.1] said: 550 5.1.1 no such user (in reply "
                                           "to RCPT TO command)"});
    r.original = "From: alice@example.org\nSubject: hi\n\nbody\n";
    return r;
}

TEST(DsnReport, IsAMultipartReportWithThreeParts) {
    std::string m = build_report(sample());
    EXPECT_NE(m.find("Content-Type: multipart/report; report-type=delivery-status;"), std::string::npos);
    EXPECT_NE(m.find("Content-Type: message/delivery-status"), std::string::npos);
    EXPECT_NE(m.find("Content-Type: message/rfc822"), std::string::npos);
    EXPECT_NE(m.find("Subject: Undelivered Mail Returned to Sender"), std::string::npos);
    EXPECT_NE(m.find("Auto-Submitted: auto-replied"), std::string::npos);
    EXPECT_NE(m.find("To: <alice@example.org>"), std::string::npos);
    EXPECT_NE(m.find("\nSubject: hi\n"), std::string::npos);
    auto boundary_pos = m.find("boundary=\"");
    ASSERT_NE(boundary_pos, std::string::npos);
    std::string boundary = m.substr(boundary_pos + 10, m.find('"', boundary_pos + 10) - boundary_pos - 10);
    EXPECT_NE(m.find("\n--" + boundary + "--\n"), std::string::npos);
}

TEST(DsnReport, PerRecipientFieldsFollowRfc3464) {
    std::string m = build_report(sample());
    EXPECT_NE(m.find("Reporting-MTA: dns; mx.example.org\n"), std::string::npos);
    EXPECT_NE(m.find("Final-Recipient: rfc822; bob@remote.test\n"), std::string::npos);
    EXPECT_NE(m.find("Original-Recipient: rfc822; Bob@Remote.test\n"), std::string::npos);
    EXPECT_NE(m.find("Action: failed\n"), std::string::npos);
    EXPECT_NE(m.find("Status: 5.1.1\n"), std::string::npos);
    EXPECT_NE(m.find("Diagnostic-Code: smtp; 550 5.1.1 no such user"), std::string::npos);
}

TEST(DsnReport, EnvidAndHeadersOnly) {
    Report r = sample();
    r.envid = "QQ314159";
    r.headers_only = true;
    r.original = std::string(header_block(r.original));
    std::string m = build_report(r);
    EXPECT_NE(m.find("Original-Envelope-Id: QQ314159\n"), std::string::npos);
    EXPECT_NE(m.find("Content-Type: text/rfc822-headers"), std::string::npos);
    EXPECT_EQ(m.find("\nbody\n"), std::string::npos);
}

TEST(DsnReport, LocalDiagnosticIsNotSmtp) {
    Report r = sample();
    r.recipients[0].diagnostic = "unknown user: \"nosuch\"";
    std::string m = build_report(r);
    EXPECT_NE(m.find("Diagnostic-Code: X-Postern; unknown user"), std::string::npos);
}

TEST(DsnReport, HeaderInjectionIsNeutralized) {
    Report r = sample();
    r.to = "evil@example.org>\nBcc: victim@example.org";
    std::string m = build_report(r);
    EXPECT_EQ(m.find("\nBcc:"), std::string::npos);
}

TEST(DsnReport, HeaderBlock) {
    EXPECT_EQ(header_block("A: 1\nB: 2\n\nbody\n"), "A: 1\nB: 2\n\n");
    EXPECT_EQ(header_block("A: 1\n"), "A: 1\n");
    EXPECT_EQ(header_block("\nbody"), "\n");
}

struct NotifyCase {
    const char* notify;
    Action action;
    bool want;
};

TEST(DsnNotify, NeverSuccessFailureDelay) {
    const NotifyCase cases[] = {
        {"", Action::Failed, true},           {"", Action::Delayed, true},
        {"NEVER", Action::Failed, false},     {"never", Action::Delayed, false},
        {"SUCCESS", Action::Failed, false},   {"SUCCESS,FAILURE", Action::Failed, true},
        {"FAILURE", Action::Delayed, false},  {"DELAY,FAILURE", Action::Delayed, true},
    };
    for (const auto& c : cases) EXPECT_EQ(wants_notice(c.notify, c.action), c.want) << c.notify;
}

TEST(DsnDate, Rfc5322Utc) { EXPECT_EQ(rfc5322_date_utc(0), "Thu, 01 Jan 1970 00:00:00 +0000"); }

}  // namespace
}  // namespace postern::dsn
