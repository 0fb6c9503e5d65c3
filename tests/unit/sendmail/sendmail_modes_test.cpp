// mailq and newaliases output, postdrop's exit status and messages as
// sendmail reports them.
#include <gtest/gtest.h>

#include "tests/unit/common/temp_dir.hpp"
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"
#include "sendmail_mailq.hpp"
#include "sendmail_newaliases.hpp"
#include "sendmail_postdrop.hpp"
#include "tests/unit/common/stdio_capture.hpp"
#include "lib/config/config.hpp"
#include "sendmail_options.hpp"
#include "sendmail_submit.hpp"

namespace postern::sendmail {
namespace {

std::string slurp(std::FILE* f) { return postern::testing::read_and_close(f); }

using postern::testing::TempDir;

TEST(SendmailNewaliases, OnlyTexthashNeedsNothing) {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    EXPECT_EQ(rebuild_aliases({"texthash:/etc/aliases"}, "newaliases", out, err), ex::kOk);
    EXPECT_NE(slurp(out).find("nothing to rebuild"), std::string::npos);
    EXPECT_EQ(slurp(err), "");
}

TEST(SendmailNewaliases, MissingSourceIsNoInput) {
    std::FILE* out = std::tmpfile();
    std::FILE* err = std::tmpfile();
    EXPECT_EQ(rebuild_aliases({"texthash:/a", "hash:/nonexistent/aliases"}, "newaliases", out, err), ex::kNoInput);
    EXPECT_NE(slurp(err).find("/nonexistent/aliases"), std::string::npos);
    (void)slurp(out);
}

TEST(SendmailMailq, EmptyQueue) {
    TempDir d;
    ASSERT_TRUE(queue::QueueDir::create_layout(d.path()));
    auto q = queue::QueueDir::open(d.path());
    ASSERT_TRUE(q);
    std::FILE* out = std::tmpfile();
    EXPECT_EQ(list_queue(*q, "mailq", out), ex::kOk);
    EXPECT_EQ(slurp(out), "Mail queue is empty\n");
}

TEST(SendmailMailq, ListsIdSizeSenderAndPendingRecipients) {
    TempDir d;
    ASSERT_TRUE(queue::QueueDir::create_layout(d.path()));
    auto q = queue::QueueDir::open(d.path());
    ASSERT_TRUE(q);
    auto nf = q->create(queue::kActive);
    ASSERT_TRUE(nf);
    queue::Envelope env;
    env.arrival.tv_sec = 1700000000;
    env.sender = "";
    env.recipients.push_back(queue::Recipient{"bob@example.org", "", ""});
    env.recipients.push_back(queue::Recipient{"done@example.org", "", "", queue::RcptStatus::Delivered});
    queue::Writer w(nf->fd.get());
    ASSERT_TRUE(w.write_envelope(env));
    ASSERT_TRUE(w.write_data(std::string(2000, 'x')));
    ASSERT_TRUE(w.finish());
    ASSERT_TRUE(q->commit(*nf));
    std::FILE* out = std::tmpfile();
    EXPECT_EQ(list_queue(*q, "mailq", out), ex::kOk);
    std::string text = slurp(out);
    EXPECT_NE(text.find(nf->queue_id + "*"), std::string::npos) << text;
    EXPECT_NE(text.find(" 2000 "), std::string::npos) << text;
    EXPECT_NE(text.find("MAILER-DAEMON"), std::string::npos) << text;
    EXPECT_NE(text.find("bob@example.org"), std::string::npos) << text;
    EXPECT_EQ(text.find("done@example.org"), std::string::npos) << text;
    EXPECT_NE(text.find("-- 2 Kbytes in 1 Request."), std::string::npos) << text;
}

TEST(SendmailMailq, UnreadableQueueIsAClearError) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads any directory";
    TempDir d;
    ASSERT_TRUE(queue::QueueDir::create_layout(d.path()));
    ASSERT_EQ(::chmod((d.path() + "/incoming").c_str(), 0), 0);
    auto q = queue::QueueDir::open(d.path());
    ASSERT_TRUE(q);
    std::FILE* out = std::tmpfile();
    EXPECT_EQ(list_queue(*q, "mailq", out), ex::kNoPerm);
    (void)slurp(out);
    ::chmod((d.path() + "/incoming").c_str(), 0700);
}

TEST(SendmailPostdrop, ExitStatusMapping) {
    struct Case {
        const char* label;
        int wait_status;
        int want;
    } const kCases[] = {
        {"success", 0, ex::kOk},
        {"sysexits code passed on", ex::kDataErr << 8, ex::kDataErr},
        {"tempfail passed on", ex::kTempFail << 8, ex::kTempFail},
        {"non-sysexits code is a tempfail", 1 << 8, ex::kTempFail},
        {"killed by a signal is a tempfail", 9, ex::kTempFail},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(exit_code_from_wait_status(c.wait_status), c.want);
    }
}

TEST(SendmailPostdrop, MessagesAreRelabelled) {
    EXPECT_EQ(relabel_message("postdrop: fatal: x: No space left on device", "sendmail"),
              "sendmail: fatal: x: No space left on device");
    EXPECT_EQ(relabel_message("odd", "mailq"), "mailq: postdrop: odd");
}

void write_script(const std::string& path, const std::string& body) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fprintf(f, "#!/bin/sh\n%s\n", body.c_str());
    std::fclose(f);
    ASSERT_EQ(::chmod(path.c_str(), 0755), 0);
}

TEST(SendmailPostdrop, ChildStatusAndStderrAreCollected) {
    TempDir d;
    write_script(d.path() + "/postdrop", "cat >/dev/null; echo \"postdrop: fatal: $1 $2: boom\" >&2; exit 75");
    auto child = spawn_postdrop(d.path() + "/postdrop", "/etc/p");
    ASSERT_TRUE(child) << child.error().message;
    auto result = finish_postdrop(*child);
    EXPECT_EQ(result.exit_code, ex::kTempFail);
    ASSERT_EQ(result.messages.size(), 1u);
    EXPECT_EQ(result.messages[0], "postdrop: fatal: -c /etc/p: boom");
}

// The whole submission against a stand-in postdrop that keeps the stream.
class SendmailSubmitTest : public ::testing::Test {
protected:
    Result<config::Config> config(const std::string& extra = "") {
        return config::Config::parse("queue_directory = " + d_.path() + "\ncommand_directory = " + d_.path() +
                                         "\n" + extra,
                                     d_.path() + "/main.conf", d_.path());
    }
    int submit_text(const Options& o, const config::Config& cfg, const std::string& input) {
        std::FILE* f = std::tmpfile();
        std::fwrite(input.data(), 1, input.size(), f);
        std::fflush(f);
        ::lseek(fileno(f), 0, SEEK_SET);
        int rc = submit(o, cfg, fileno(f));
        std::fclose(f);
        return rc;
    }
    TempDir d_;
};

TEST_F(SendmailSubmitTest, StreamIsAValidQueueFileWithEnvelopeAndContent) {
    write_script(d_.path() + "/postdrop", "cat > \"$2/stream\"");
    auto cfg = config();
    ASSERT_TRUE(cfg) << cfg.error().message;
    Options o;
    o.sender = "alice";
    o.extract_recipients = true;
    o.recipients = {"bob@example.org"};
    EXPECT_EQ(submit_text(o, *cfg, "Subject: x\r\n\r\nbody\r\n.\r\nignored\r\n"), ex::kOk);
    std::FILE* f = std::fopen((d_.path() + "/stream").c_str(), "r");
    ASSERT_NE(f, nullptr);
    auto env = queue::read_envelope(fileno(f));
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_EQ(env->sender, "alice");
    EXPECT_TRUE(env->extract_recipients);
    ASSERT_EQ(env->recipients.size(), 1u);
    EXPECT_EQ(env->recipients[0].address, "bob@example.org");
    std::string content;
    ASSERT_TRUE(queue::read_content(fileno(f), *env, [&](std::string_view d) {
        content.append(d);
        return Status{};
    }));
    std::fclose(f);
    EXPECT_EQ(content, "Subject: x\n\nbody\n");
}

TEST_F(SendmailSubmitTest, PostdropFailureIsPassedOn) {
    write_script(d_.path() + "/postdrop", "cat >/dev/null; echo 'postdrop: fatal: disk: No space left on device' >&2; exit 75");
    auto cfg = config();
    ASSERT_TRUE(cfg);
    Options o;
    o.recipients = {"bob"};
    EXPECT_EQ(submit_text(o, *cfg, "x\n"), ex::kTempFail);
}

TEST_F(SendmailSubmitTest, NoRecipientsWithoutDashTIsAUsageError) {
    auto cfg = config();
    ASSERT_TRUE(cfg);
    Options o;
    EXPECT_EQ(submit_text(o, *cfg, "x\n"), ex::kUsage);
}

TEST_F(SendmailSubmitTest, MessageSizeLimitPlusOneIsRefused) {
    write_script(d_.path() + "/postdrop", "cat >/dev/null");
    auto cfg = config("message_size_limit = 1024\n");
    ASSERT_TRUE(cfg) << cfg.error().message;
    Options o;
    o.sender = "";
    o.recipients = {"b"};  // the envelope takes 1 byte of the limit
    EXPECT_EQ(submit_text(o, *cfg, std::string(1022, 'x') + "\n"), ex::kOk);
    EXPECT_EQ(submit_text(o, *cfg, std::string(1023, 'x') + "\n"), ex::kDataErr);
}

TEST_F(SendmailSubmitTest, RecipientLimitPlusOneIsRefused) {
    auto cfg = config("recipient_limit = 2\n");
    ASSERT_TRUE(cfg);
    Options o;
    o.recipients = {"a", "b", "c"};
    EXPECT_EQ(submit_text(o, *cfg, "x\n"), ex::kDataErr);
}

TEST(SendmailPostdrop, MissingProgramIsReported) {
    auto child = spawn_postdrop("/nonexistent/postdrop", "/etc/postern");
    ASSERT_FALSE(child);
    EXPECT_EQ(child.error().sys_errno, ENOENT);
}

TEST(SendmailSubmit, DefaultSenderIsTheCallersLoginName) {
    Options o;
    o.recipients = {"bob"};
    auto env = build_envelope(o);
    EXPECT_FALSE(env.sender.empty());
    o.sender = "";
    EXPECT_EQ(build_envelope(o).sender, "");
    o.extract_recipients = true;
    o.full_name = "Bo";
    env = build_envelope(o);
    EXPECT_TRUE(env.extract_recipients);
    EXPECT_EQ(env.full_name, "Bo");
    EXPECT_EQ(envelope_bytes(env), 2u + 3u);
}

}  // namespace
}  // namespace postern::sendmail
