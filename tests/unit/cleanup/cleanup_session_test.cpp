// Session tests over a socketpair with a real QueueDir in a temp directory:
// what the client is told, and what is (or is not) left in incoming/.
#include "cleanup_session.hpp"

#include <sys/socket.h>
#include <fcntl.h>
#include <signal.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "lib/queue/queue_file.hpp"

namespace postern::cleanup {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using ReplyStatus = ipc::CleanupReply::Status;

// Fails the chosen operation, as a full or broken disk would.
class FaultyOps : public FileOps {
public:
    bool fail_write = false, fail_fsync = false, fail_rename = false, fail_dir_fsync = false;
    Status write_all(int fd, std::string_view data) override {
        return fail_write ? Status{errno_error("write", ENOSPC)} : FileOps::write_all(fd, data);
    }
    Status fsync(int fd) override { return fail_fsync ? Status{errno_error("fsync", EIO)} : FileOps::fsync(fd); }
    Status rename(const std::string& from, const std::string& to) override {
        return fail_rename ? Status{errno_error("rename", EIO)} : FileOps::rename(from, to);
    }
    Status fsync_dir(const std::string& dir) override {
        return fail_dir_fsync ? Status{errno_error("fsync " + dir, EIO)} : FileOps::fsync_dir(dir);
    }
};

struct Outcome {
    bool replied = false;
    ipc::CleanupReply reply;
};

class SessionTest : public ::testing::Test {
protected:
    void SetUp() override {
        ::signal(SIGPIPE, SIG_IGN);
        const char* tmp = std::getenv("TMPDIR");
        std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/cleanup_test.XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl + "/queue";
        ASSERT_TRUE(queue::QueueDir::create_layout(root_).ok());
        settings_.myhostname = "mx.example.org";
        settings_.myorigin = "example.org";
        settings_.ipc_timeout = milliseconds(5000);
        settings_.qmgr_trigger.clear();
    }
    void TearDown() override { fs::remove_all(fs::path(root_).parent_path()); }

    static ipc::CleanupOpen local(std::vector<std::string> rcpts, bool t = false) {
        ipc::CleanupOpen o;
        o.origin = "pickup";
        o.sender = "alice";
        o.full_name = "Alice";
        o.uid = 1000;
        o.extract_recipients = t;
        o.recipients = std::move(rcpts);
        return o;
    }

    // Runs one session; the client sends open, content in chunks, end.
    // send_end=false hangs up instead; extra_frame is sent before the end.
    Outcome submit(const ipc::CleanupOpen& open, std::string_view content, FileOps& ops,
                   std::size_t chunk = 4000, bool send_end = true, bool bogus_frame = false) {
        int sv[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
        auto q = queue::QueueDir::open(root_, ops);
        EXPECT_TRUE(q.ok());
        std::thread server([&] {
            Session(*q, ops, settings_, sv[1]).run();
            ::close(sv[1]);
        });
        milliseconds t(5000);
        (void)ipc::send_msg(sv[0], open, t);
        for (std::size_t i = 0; i < content.size(); i += chunk)
            (void)ipc::send_msg(sv[0], ipc::CleanupData{std::string(content.substr(i, chunk))}, t);
        if (bogus_frame) (void)ipc::send_msg(sv[0], ipc::CleanupReply{}, t);
        if (send_end) (void)ipc::send_msg(sv[0], ipc::CleanupEnd{}, t);
        else ::shutdown(sv[0], SHUT_WR);
        Outcome out;
        auto r = ipc::recv_msg<ipc::CleanupReply>(sv[0], {}, t);
        if (r) out = {true, *r};
        server.join();
        ::close(sv[0]);
        return out;
    }
    Outcome submit(const ipc::CleanupOpen& open, std::string_view content) { return submit(open, content, ops_); }

    std::vector<std::string> incoming() const {
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(root_ + "/incoming")) names.push_back(e.path().filename());
        return names;
    }

    struct Stored {
        queue::Envelope env;
        std::string content;
    };
    Stored read_back(const std::string& id) const {
        Stored s;
        UniqueFd fd(::open((root_ + "/incoming/" + id).c_str(), O_RDONLY));
        EXPECT_TRUE(fd.valid()) << id;
        auto env = queue::read_envelope(fd.get());
        EXPECT_TRUE(env.ok()) << env.error().message;
        s.env = *env;
        auto st = queue::read_content(fd.get(), s.env, [&](std::string_view d) {
            s.content.append(d);
            return Status{};
        });
        EXPECT_TRUE(st.ok());
        return s;
    }

    std::string root_;
    Settings settings_;
    FaultyOps ops_;
};

std::string body_bytes() {
    std::string b = "line one\n.\n..dots\r\nCR kept\rhere\n";
    b += std::string("nul\0byte\n", 9);
    b += "8-bit \xff\xfe\x80\n";
    b += std::string(70000, 'L') + "\n";  // longer than one chunk and one 'D' record
    b += "From the start of a line\nno final newline";
    return b;
}

TEST_F(SessionTest, LocalMessageIsQueuedWithBodyByteExact) {
    std::string headers = "Subject: test\nTo: bob\n";
    std::string body = body_bytes();
    auto out = submit(local({"bob"}), headers + "\n" + body, ops_, 1777);
    ASSERT_TRUE(out.replied);
    ASSERT_EQ(out.reply.status, ReplyStatus::Ok) << out.reply.dsn << " " << out.reply.reason;
    EXPECT_EQ(incoming(), std::vector<std::string>{out.reply.queue_id});
    Stored s = read_back(out.reply.queue_id);
    EXPECT_EQ(s.env.sender, "alice@example.org");
    ASSERT_EQ(s.env.recipients.size(), 1u);
    EXPECT_EQ(s.env.recipients[0].address, "bob@example.org");
    EXPECT_EQ(s.env.uid, 1000);
    std::size_t sep = s.content.find("\n\n");
    ASSERT_NE(sep, std::string::npos);
    EXPECT_EQ(s.content.substr(sep + 2), body);
    std::string head = s.content.substr(0, sep + 1);
    EXPECT_EQ(head.rfind("Received: by mx.example.org (postern, from userid 1000)\n\tid " + out.reply.queue_id + "; ",
                         0),
              0u)
        << head;
    EXPECT_NE(head.find("\nSubject: test\nTo: bob\nDate: "), std::string::npos) << head;
    EXPECT_NE(head.find("\nMessage-ID: <"), std::string::npos);
    EXPECT_NE(head.find("\nFrom: Alice <alice@example.org>\n"), std::string::npos);
}

TEST_F(SessionTest, SmtpdMessageGetsReceivedWithForAndNoLocalHeaders) {
    ipc::CleanupOpen o;
    o.origin = "smtpd";
    o.sender = "x@remote.example";
    o.recipients = {"bob@example.org"};
    o.client_name = "remote.example";
    o.client_addr = "192.0.2.9";
    o.helo = "helo.remote.example";
    auto out = submit(o, "Subject: s\n\nbody\n");
    ASSERT_EQ(out.reply.status, ReplyStatus::Ok);
    std::string c = read_back(out.reply.queue_id).content;
    EXPECT_TRUE(std::regex_search(c, std::regex("^Received: from helo\\.remote\\.example \\(remote\\.example "
                                                 "\\[192\\.0\\.2\\.9\\]\\)\n\tby mx\\.example\\.org \\(postern\\) "
                                                 "with ESMTP id \\w+\n\tfor <bob@example\\.org>; ")))
        << c;
    EXPECT_EQ(c.find("\nDate:"), std::string::npos);
    EXPECT_EQ(c.substr(c.size() - 17), "Subject: s\n\nbody\n");
}

TEST_F(SessionTest, LocalForwardKeepsSenderRecipientsAndContent) {
    ipc::CleanupOpen o;
    o.origin = "local";
    o.sender = "owner-list@example.org";
    o.recipients = {"x@remote.example", "y@remote.example"};
    auto out = submit(o, "Delivered-To: list@example.org\nTo: list@example.org\nSubject: s\n\nbody\n");
    ASSERT_EQ(out.reply.status, ReplyStatus::Ok) << out.reply.reason;
    Stored s = read_back(out.reply.queue_id);
    EXPECT_EQ(s.env.sender, "owner-list@example.org");
    std::vector<std::string> rcpts;
    for (const auto& r : s.env.recipients) rcpts.push_back(r.address);
    EXPECT_EQ(rcpts, (std::vector<std::string>{"x@remote.example", "y@remote.example"}));
    EXPECT_NE(s.content.find("\nDelivered-To: list@example.org\nTo: list@example.org\nSubject: s\n\nbody\n"),
              std::string::npos)
        << s.content;
    EXPECT_EQ(s.content.find("\nDate:"), std::string::npos);  // not a submission: nothing added
}

TEST_F(SessionTest, UnknownOriginIsRefused) {
    ipc::CleanupOpen o;
    o.origin = "elsewhere";
    o.recipients = {"bob@example.org"};
    EXPECT_NE(submit(o, "Subject: s\n\nbody\n").reply.status, ReplyStatus::Ok);
}

TEST_F(SessionTest, ExtractedRecipientsAndBccRemovedFromStoredHeader) {
    auto out = submit(local({"extra@x.org"}, true), "To: a@x.org\nBcc: secret@x.org\nSubject: s\n\nbody\n");
    ASSERT_EQ(out.reply.status, ReplyStatus::Ok);
    Stored s = read_back(out.reply.queue_id);
    std::vector<std::string> rcpts;
    for (const auto& r : s.env.recipients) rcpts.push_back(r.address);
    EXPECT_EQ(rcpts, (std::vector<std::string>{"a@x.org", "secret@x.org", "extra@x.org"}));
    EXPECT_EQ(s.content.find("Bcc"), std::string::npos);
    EXPECT_EQ(s.content.find("secret"), std::string::npos);
}

TEST_F(SessionTest, MessageSizeLimitExactlyIsAccepted) {
    settings_.message_size_limit = 1000;
    std::string msg = "Subject: s\n\n" + std::string(1000 - 12, 'b');
    EXPECT_EQ(submit(local({"bob"}), msg).reply.status, ReplyStatus::Ok);
}

TEST_F(SessionTest, MessageSizeLimitPlusOneIsRefusedAndNothingKept) {
    settings_.message_size_limit = 1000;
    std::string msg = "Subject: s\n\n" + std::string(1000 - 12 + 1, 'b');
    auto out = submit(local({"bob"}), msg, ops_, 100);
    ASSERT_TRUE(out.replied);
    EXPECT_EQ(out.reply.status, ReplyStatus::PermFail);
    EXPECT_EQ(out.reply.dsn, "5.3.4");
    EXPECT_EQ(out.reply.reason, "message file too big");
    EXPECT_TRUE(incoming().empty());
}

std::string hops(std::size_t n) {
    std::string h;
    for (std::size_t i = 0; i < n; ++i) h += "Received: from hop" + std::to_string(i) + "\n";
    return h + "\nbody\n";
}

TEST_F(SessionTest, HopCountLimitExactlyIsAccepted) {
    settings_.hopcount_limit = 10;
    EXPECT_EQ(submit(local({"bob"}), hops(10)).reply.status, ReplyStatus::Ok);
}

TEST_F(SessionTest, HopCountLimitPlusOneIsRefused) {
    settings_.hopcount_limit = 10;
    auto out = submit(local({"bob"}), hops(11));
    EXPECT_EQ(out.reply.status, ReplyStatus::PermFail);
    EXPECT_EQ(out.reply.dsn, "5.4.6");
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, RecipientLimitPlusOneIsRefused) {
    settings_.recipient_limit = 2;
    EXPECT_EQ(submit(local({"a", "b"}), "\nbody\n").reply.status, ReplyStatus::Ok);
    auto out = submit(local({"a", "b", "c"}), "\nbody\n");
    EXPECT_EQ(out.reply.status, ReplyStatus::PermFail);
    EXPECT_EQ(out.reply.dsn, "5.5.3");
}

TEST_F(SessionTest, NoRecipientsIsRefused) {
    auto out = submit(local({}, true), "Subject: nobody\n\nbody\n");
    EXPECT_EQ(out.reply.status, ReplyStatus::PermFail);
    EXPECT_EQ(out.reply.dsn + " " + out.reply.reason, "5.1.3 no recipients specified");
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, HeaderSizeLimitOverflowGoesToBodyLosingNothing) {
    settings_.header_size_limit = 1024;
    std::string headers;
    for (int i = 0; headers.size() <= 1024; ++i) headers += "X-Filler-" + std::to_string(i) + ": some text\n";
    std::string msg = "Subject: s\n" + headers + "\nbody\n";
    auto out = submit(local({"bob"}), msg, ops_, 333);
    ASSERT_EQ(out.reply.status, ReplyStatus::Ok);
    std::string c = read_back(out.reply.queue_id).content;
    // Every input byte is there, in order; only whole lines were inserted.
    std::size_t pos = 0;
    for (std::size_t start = 0; start < msg.size();) {
        std::size_t nl = msg.find('\n', start);
        std::string line = msg.substr(start, nl - start + 1);
        pos = c.find(line, pos);
        ASSERT_NE(pos, std::string::npos) << line;
        start = nl + 1;
    }
    // What did not fit is the body, unchanged, after an inserted blank line.
    std::string body = c.substr(c.find("\n\n") + 2);
    EXPECT_EQ(body.rfind("X-Filler-", 0), 0u) << body;
    ASSERT_LT(body.size(), msg.size());
    EXPECT_EQ(msg.substr(msg.size() - body.size()), body);
}

TEST_F(SessionTest, FailedFsyncRepliesTempFailAndLeavesNoFile) {
    ops_.fail_fsync = true;
    auto out = submit(local({"bob"}), "Subject: s\n\nbody\n");
    ASSERT_TRUE(out.replied);
    EXPECT_EQ(out.reply.status, ReplyStatus::TempFail);
    EXPECT_EQ(out.reply.dsn, "4.3.0");
    EXPECT_EQ(out.reply.reason.rfind("queue file write error: ", 0), 0u) << out.reply.reason;
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, FailedWriteRepliesTempFailAndLeavesNoFile) {
    ops_.fail_write = true;
    auto out = submit(local({"bob"}), "Subject: s\n\n" + std::string(200000, 'x'));
    EXPECT_EQ(out.reply.status, ReplyStatus::TempFail);
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, FailedRenameRepliesTempFailAndLeavesNoFile) {
    ops_.fail_rename = true;
    EXPECT_EQ(submit(local({"bob"}), "\nbody\n").reply.status, ReplyStatus::TempFail);
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, FailedDirectoryFsyncRepliesTempFailAndLeavesNoFile) {
    ops_.fail_dir_fsync = true;
    EXPECT_EQ(submit(local({"bob"}), "\nbody\n").reply.status, ReplyStatus::TempFail);
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, UnexpectedFrameRepliesTempFailAndLeavesNoFile) {
    auto out = submit(local({"bob"}), "\nbody\n", ops_, 4000, true, true);
    ASSERT_TRUE(out.replied);
    EXPECT_EQ(out.reply.status, ReplyStatus::TempFail);
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, HangUpMidMessageLeavesNoFileAndNoReply) {
    auto out = submit(local({"bob"}), "Subject: s\n\npartial", ops_, 4000, false);
    EXPECT_FALSE(out.replied);
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, UnknownOriginIsTempFail) {
    auto o = local({"bob"});
    o.origin = "martian";
    EXPECT_EQ(submit(o, "\nbody\n").reply.status, ReplyStatus::TempFail);
    EXPECT_TRUE(incoming().empty());
}

TEST_F(SessionTest, LargeBodyIsStreamed) {
    std::string body;
    for (int i = 0; i < 50000; ++i) body += "line " + std::to_string(i) + " of a large body\n";
    auto out = submit(local({"bob"}), "Subject: big\n\n" + body, ops_, 65536);
    ASSERT_EQ(out.reply.status, ReplyStatus::Ok);
    std::string c = read_back(out.reply.queue_id).content;
    EXPECT_EQ(c.substr(c.size() - body.size()), body);
}

}  // namespace
}  // namespace postern::cleanup
