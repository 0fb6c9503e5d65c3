// The submission path's checks: -t needs a recipient, NUL bytes, the
// X-Authentication-Warning header, command-line address checks, -X, and
// the -bs dialogue - each against a stand-in postdrop that keeps the stream.
#include <gtest/gtest.h>
#include "tests/unit/common/stdio_capture.hpp"
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "lib/base/identity.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "lib/queue/queue_file.hpp"
#include "sendmail_header_gate.hpp"
#include "sendmail_options.hpp"
#include "sendmail_smtp.hpp"
#include "sendmail_submit.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::sendmail {
namespace {

using postern::testing::TempDir;

std::string read_all(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// A file descriptor reading text from its start.
int input_fd(const std::string& text) {
    std::FILE* f = std::tmpfile();
    std::fwrite(text.data(), 1, text.size(), f);
    std::fflush(f);
    int fd = ::dup(fileno(f));
    std::fclose(f);
    ::lseek(fd, 0, SEEK_SET);
    return fd;
}

class SubmitChecks : public ::testing::Test {
protected:
    void SetUp() override {
        std::ofstream(d_.file("postdrop")) << "#!/bin/sh\nn=$(ls \"$2\" | grep -c stream)\ncat > \"$2/stream$n\"\n";
        ::chmod(d_.file("postdrop").c_str(), 0755);
    }
    config::Config config(const std::string& extra = "") {
        auto c = config::Config::parse("queue_directory = " + d_.path() + "\ncommand_directory = " + d_.path() +
                                           "\nmyhostname = mx.example.test\n" + extra,
                                       d_.file("main.conf"), d_.path());
        EXPECT_TRUE(c) << c.error().message;
        return *c;
    }
    int run(const Options& o, const std::string& input, const std::string& extra = "") {
        int fd = input_fd(input);
        int rc = submit(o, config(extra), fd);
        ::close(fd);
        return rc;
    }
    // The content postdrop received in stream N.
    std::string content(int n = 0) {
        std::FILE* f = std::fopen(d_.file("stream" + std::to_string(n)).c_str(), "r");
        if (!f) return "<no stream>";
        auto env = queue::read_envelope(fileno(f));
        if (!env) {
            std::fclose(f);
            return "<incomplete stream>";
        }
        std::string out;
        (void)queue::read_content(fileno(f), *env, [&](std::string_view d) {
            out.append(d);
            return Status{};
        });
        std::fclose(f);
        return out;
    }
    queue::Envelope envelope(int n = 0) {
        std::FILE* f = std::fopen(d_.file("stream" + std::to_string(n)).c_str(), "r");
        auto env = queue::read_envelope(fileno(f));
        std::fclose(f);
        return env ? *env : queue::Envelope{};
    }
    TempDir d_;
};

TEST_F(SubmitChecks, DashTWithoutHeaderRecipientsIsRefusedAndNothingKept) {
    Options o;
    o.extract_recipients = true;
    EXPECT_EQ(run(o, "Subject: none\n\nbody\n"), ex::kUsage);
    EXPECT_EQ(content(), "<incomplete stream>");
    EXPECT_EQ(run(o, ""), ex::kUsage);  // an empty message has no header either
}

TEST_F(SubmitChecks, DashTWithCommandLineRecipientNeedsNoHeaderOne) {
    Options o;
    o.extract_recipients = true;
    o.recipients = {"bob"};
    EXPECT_EQ(run(o, "Subject: x\n\nbody\n"), ex::kOk);
    EXPECT_EQ(content(), "Subject: x\n\nbody\n");
}

TEST_F(SubmitChecks, DashTFindsFoldedAndResentRecipients) {
    Options o;
    o.extract_recipients = true;
    EXPECT_EQ(run(o, "Subject: x\nTo:\n  alice@example.org\n\nbody\n"), ex::kOk);
    // With Resent-* present, only Resent-To/Cc/Bcc count: To: alone is not enough.
    EXPECT_EQ(run(o, "Resent-From: a@b\nTo: alice@example.org\n\nbody\n"), ex::kUsage);
    EXPECT_EQ(run(o, "Resent-From: a@b\nResent-To: carol@example.org\n\nbody\n"), ex::kOk);
}

TEST_F(SubmitChecks, EmptyMessageWithRecipientIsQueued) {
    Options o;
    o.recipients = {"bob"};
    EXPECT_EQ(run(o, ""), ex::kOk);
    EXPECT_EQ(content(), "");
}

TEST_F(SubmitChecks, NulBytesAreRefused) {
    Options o;
    o.recipients = {"bob"};
    EXPECT_EQ(run(o, std::string("Subject: x\n\nbo\0dy\n", 18)), ex::kDataErr);
    EXPECT_EQ(content(), "<incomplete stream>");
}

TEST_F(SubmitChecks, MalformedAndLongCommandLineAddresses) {
    Options o;
    o.recipients = {"a@@b"};
    EXPECT_EQ(run(o, "x\n"), ex::kUsage);
    o.recipients = {"<a@b"};
    EXPECT_EQ(run(o, "x\n"), ex::kUsage);
    o.recipients = {std::string(300, 'a') + "@example.org"};
    EXPECT_EQ(run(o, "x\n"), ex::kUsage);
    EXPECT_EQ(content(), "<no stream>");
    auto list = recipients_from_operands({"root, Bob <bob@example.org>", "carol"});
    ASSERT_TRUE(list);
    EXPECT_EQ(*list, (std::vector<std::string>{"root", "bob@example.org", "carol"}));
}

TEST_F(SubmitChecks, UntrustedSenderChangeGetsAWarningHeader) {
    Options o;
    o.recipients = {"bob"};
    o.sender = "boss@example.org";
    // Nobody is trusted here, whoever runs the test.
    EXPECT_EQ(run(o, "Subject: x\n\nbody\n", "trusted_users = nobody-at-all\n"), ex::kOk);
    std::string me = current_identity().name;
    EXPECT_EQ(content(), "X-Authentication-Warning: mx.example.test: " + me +
                             " set sender to boss@example.org using -f\nSubject: x\n\nbody\n");
    EXPECT_EQ(envelope().sender, "boss@example.org");
}

TEST(SendmailTrust, WarningRules) {
    Identity alice;
    alice.name = "alice";
    std::vector<std::string> trusted{"root", "daemon"};
    EXPECT_EQ(authentication_warning(std::nullopt, 'f', alice, trusted, "h"), "");
    EXPECT_EQ(authentication_warning(std::string("alice"), 'f', alice, trusted, "h"), "");
    EXPECT_EQ(authentication_warning(std::string("alice@h"), 'f', alice, trusted, "h"), "");
    EXPECT_EQ(authentication_warning(std::string("root"), 'r', alice, trusted, "h"),
              "X-Authentication-Warning: h: alice set sender to root using -r\n");
    EXPECT_EQ(authentication_warning(std::string(""), 'f', alice, trusted, "h"),
              "X-Authentication-Warning: h: alice set sender to <> using -f\n");
    Identity daemon;
    daemon.name = "daemon";
    EXPECT_EQ(authentication_warning(std::string("anyone@x"), 'f', daemon, trusted, "h"), "");
}

TEST(SendmailHeaderGate, FieldsAreUnfoldedAndEndAtTheBody) {
    auto f = parse_header_fields("From me\nTo: a@b,\n\tc@d\nSubject: hi\n\nTo: not-a-header@x\n");
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].first, "To");
    EXPECT_EQ(f[0].second, "a@b, c@d");
    EXPECT_EQ(f[1].first, "Subject");
    EXPECT_TRUE(parse_header_fields("body line without colon\nTo: a@b\n").empty());
}

TEST(SendmailHeaderGate, HoldsBackUntilTheHeaderEndsThenPassesThrough) {
    std::string out;
    int decided = 0;
    HeaderGate gate(
        1024, "X-Pre: 1\n",
        [&](const address::HeaderFields& f) {
            ++decided;
            EXPECT_EQ(f.size(), 1u);
            return Status{};
        },
        [&](std::string_view d) {
            out.append(d);
            return Status{};
        });
    ASSERT_TRUE(gate.feed("To: a"));
    EXPECT_EQ(out, "");
    ASSERT_TRUE(gate.feed("@b\n\nbody"));
    EXPECT_EQ(out, "X-Pre: 1\nTo: a@b\n\nbody");
    ASSERT_TRUE(gate.feed(" more\n"));
    ASSERT_TRUE(gate.finish());
    EXPECT_EQ(out, "X-Pre: 1\nTo: a@b\n\nbody more\n");
    EXPECT_EQ(decided, 1);
}

TEST(SendmailHeaderGate, LimitBoundsWhatIsHeld) {
    std::string out;
    HeaderGate gate(
        16, "", [](const address::HeaderFields&) { return Status{}; },
        [&](std::string_view d) {
            out.append(d);
            return Status{};
        });
    ASSERT_TRUE(gate.feed("X-Long: " + std::string(100, 'x')));
    EXPECT_EQ(out.size(), 108u);  // released at the limit, nothing lost
}

TEST_F(SubmitChecks, TranscriptLogsTheTransaction) {
    Options o;
    o.recipients = {"bob"};
    o.sender = "";
    o.transcript_file = d_.file("x.log");
    EXPECT_EQ(run(o, "Subject: x\n\nbody\n"), ex::kOk);
    std::string log = read_all(d_.file("x.log"));
    std::string pid = std::to_string(::getpid());
    EXPECT_NE(log.find(pid + " <<< MAIL From:<>\n"), std::string::npos) << log;
    EXPECT_NE(log.find(pid + " <<< RCPT To:<bob>\n"), std::string::npos) << log;
    EXPECT_NE(log.find(pid + " <<< Subject: x\n"), std::string::npos) << log;
    EXPECT_NE(log.find(pid + " >>> 250 2.0.0"), std::string::npos) << log;
    o.transcript_file = d_.file("nodir/x.log");
    EXPECT_EQ(run(o, "x\n"), ex::kCantCreat);
}

// -bs: a scripted session, answers read back from the output file.
class SmtpSession : public SubmitChecks {
protected:
    std::string session(const std::string& script, const std::string& extra = "") {
        int in = input_fd(script);
        std::FILE* out = std::tmpfile();
        Options o;
        rc_ = smtp_session(o, config(extra), in, fileno(out));
        ::close(in);
        return postern::testing::read_and_close(out);
    }
    int rc_ = -1;
};

TEST_F(SmtpSession, PhpStyleSessionQueuesTheMessage) {
    std::string out = session(
        "EHLO localhost\r\nMAIL FROM:<www-data@example.org>\r\nRCPT TO:<alice@example.org> NOTIFY=FAILURE\r\n"
        "RCPT TO:<bob>\r\nDATA\r\nSubject: php\r\n\r\n..leading dot\r\nbody\r\n.\r\nQUIT\r\n",
        "trusted_users = nobody-at-all\n");
    EXPECT_EQ(rc_, ex::kOk);
    EXPECT_EQ(out.rfind("220 mx.example.test ESMTP", 0), 0u) << out;
    EXPECT_NE(out.find("250-DSN\r\n"), std::string::npos);
    EXPECT_NE(out.find("354 "), std::string::npos);
    EXPECT_NE(out.find("250 2.0.0 Ok: queued\r\n"), std::string::npos) << out;
    EXPECT_NE(out.find("221 2.0.0"), std::string::npos);
    auto env = envelope();
    EXPECT_EQ(env.sender, "www-data@example.org");
    ASSERT_EQ(env.recipients.size(), 2u);
    EXPECT_EQ(env.recipients[0].notify, "failure");
    std::string c = content();
    EXPECT_NE(c.find("set sender to www-data@example.org using -f\nSubject: php\n\n.leading dot\nbody\n"),
              std::string::npos)
        << c;
}

TEST_F(SmtpSession, ErrorsAreRepliesNotExits) {
    std::string out = session(
        "RCPT TO:<a@b>\r\nMAIL FROM:<a@@b>\r\nMAIL FROM:<>\r\nDATA\r\nRCPT TO:<>\r\nBOGUS\r\n" +
        std::string(3000, 'x') + "\r\nMAIL FROM:<x@y> SIZE=999999999999\r\nNOOP\r\nQUIT\r\n");
    EXPECT_EQ(rc_, ex::kOk);
    for (const char* want : {"503 5.5.1 Error: need MAIL", "553 5.1.7", "250 2.1.0 Ok", "554 5.5.1 Error: no valid",
                             "553 5.1.3", "500 5.5.2 Error: command not recognized", "500 5.5.2 Error: line too long",
                             "503 5.5.1 Error: nested MAIL", "250 2.0.0 Ok\r\n221"})
        EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
}

TEST_F(SmtpSession, OversizedDataIsRefusedAndTheSessionGoesOn) {
    std::string big(2000, 'y');
    std::string out = session("HELO h\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n" + big + "\r\n.\r\nNOOP\r\nQUIT\r\n",
                              "message_size_limit = 1024\n");
    EXPECT_NE(out.find("552 5.3.4"), std::string::npos) << out;
    EXPECT_NE(out.find("250 2.0.0 Ok\r\n221"), std::string::npos) << out;
}

TEST_F(SmtpSession, EndOfInputInDataKeepsNothing) {
    session("HELO h\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nSubject: cut\r\n");
    EXPECT_EQ(rc_, ex::kOk);
    EXPECT_EQ(content(), "<incomplete stream>");
}

}  // namespace
}  // namespace postern::sendmail
