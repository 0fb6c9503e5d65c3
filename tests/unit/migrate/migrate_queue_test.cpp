// Queue conversion end to end inside one process: a sendmail queue made of
// qf/df files (as sendmail 8.17 writes them) becomes postern queue files
// that the postern reader accepts, with the body byte for byte.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lib/base/unique_fd.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"
#include "migrate/migrate_queue.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::migrate {
namespace {

namespace fs = std::filesystem;

const std::string kBody = std::string("line one\n\xe9t\xe9 \xff\x01 raw\n.dot\n\nlast", 35) + "\n";

std::string qf_text(const std::string& rcpt) {
    return "V8\nT1795324953\nK0\nN2\nMDeferred: Connection refused\nF8\nSsender@example.org\n"
           "RPF:" + rcpt + "\nH?P?Return-Path: <\201g>\nH??Subject: test\nH??To: " + rcpt + "\n.\n";
}

void write(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

struct Fixture {
    testing::TempDir tmp;
    std::string mqueue = tmp.file("mqueue"), postern = tmp.file("queue"), data = tmp.file("data");
    Fixture() {
        fs::create_directories(mqueue);
        fs::create_directories(data);
        EXPECT_TRUE(queue::QueueDir::create_layout(postern).ok());
    }
    Plan run(bool apply) {
        Plan plan;
        QueueOptions o;
        o.apply = apply;
        convert_queue({mqueue, "sendmail.cf:1"}, {postern, data, "nobody"}, o, plan);
        return plan;
    }
    std::vector<std::string> incoming() { return *queue::QueueDir::open(postern)->list(queue::kIncoming); }
    std::string content(const std::string& id, queue::Envelope& env) {
        UniqueFd fd(::open((postern + "/incoming/" + id).c_str(), O_RDONLY));
        auto e = queue::read_envelope(fd.get());
        EXPECT_TRUE(e.ok()) << e.error().message;
        env = *e;
        std::string out;
        EXPECT_TRUE(queue::read_content(fd.get(), *e, [&](std::string_view d) { out += d; return Status{}; }).ok());
        return out;
    }
};

std::string notes(const Plan& plan) { return plan.render(); }

TEST(QueueConvert, WritesHeadersAndTheBodyByteExact) {
    Fixture f;
    write(f.mqueue + "/qf6AM5MXOY006329", qf_text("alice@example.org"));
    write(f.mqueue + "/df6AM5MXOY006329", kBody);
    Plan plan = f.run(true);
    ASSERT_FALSE(plan.needs_human()) << notes(plan);
    auto ids = f.incoming();
    ASSERT_EQ(ids.size(), 1u);
    queue::Envelope env;
    EXPECT_EQ(f.content(ids[0], env), "Subject: test\nTo: alice@example.org\n\n" + kBody);
    EXPECT_EQ(env.sender, "sender@example.org");
    EXPECT_EQ(env.arrival.tv_sec, 1795324953);
    ASSERT_EQ(env.recipients.size(), 1u);
    EXPECT_EQ(env.recipients[0].address, "alice@example.org");
}

TEST(QueueConvert, PlanWritesNothing) {
    Fixture f;
    write(f.mqueue + "/qfA", qf_text("a@example.org"));
    write(f.mqueue + "/dfA", kBody);
    Plan plan = f.run(false);
    EXPECT_NE(notes(plan).find("will be queued: from=<sender@example.org>, nrcpt=1"), std::string::npos);
    EXPECT_TRUE(f.incoming().empty());
}

TEST(QueueConvert, RunningTwiceConvertsNothingTwice) {
    Fixture f;
    write(f.mqueue + "/qfA", qf_text("a@example.org"));
    write(f.mqueue + "/dfA", kBody);
    f.run(true);
    Plan second = f.run(true);
    EXPECT_NE(notes(second).find("already converted as postern queue ID"), std::string::npos);
    EXPECT_EQ(f.incoming().size(), 1u);
}

TEST(QueueConvert, SplitEnvelopesSharingOneDfBecomeTwoMessages) {
    Fixture f;
    write(f.mqueue + "/qfA00001", qf_text("a@example.org"));
    write(f.mqueue + "/dfA00001", kBody);
    write(f.mqueue + "/qfB00002", qf_text("b@example.net"));
    ASSERT_EQ(::link((f.mqueue + "/dfA00001").c_str(), (f.mqueue + "/dfB00002").c_str()), 0);
    f.run(true);
    auto ids = f.incoming();
    ASSERT_EQ(ids.size(), 2u);
    for (const auto& id : ids) {
        queue::Envelope env;
        EXPECT_NE(f.content(id, env).find("\n\n" + kBody), std::string::npos);
    }
    EXPECT_EQ(fs::hard_link_count(f.mqueue + "/dfA00001"), 2u);  // sendmail's files untouched
}

TEST(QueueConvert, DamagedFilesAreReportedAndLeftInPlace) {
    Fixture f;
    auto text = qf_text("a@example.org");
    write(f.mqueue + "/qfTRUNC", text.substr(0, text.size() - 2));
    write(f.mqueue + "/dfTRUNC", kBody);
    write(f.mqueue + "/qfNODF", text);
    Plan plan = f.run(true);
    EXPECT_TRUE(plan.needs_human());
    EXPECT_NE(notes(plan).find("qfTRUNC\tdamaged, left in place: truncated"), std::string::npos) << notes(plan);
    EXPECT_NE(notes(plan).find("qfNODF\tdamaged, left in place"), std::string::npos);
    EXPECT_TRUE(fs::exists(f.mqueue + "/qfTRUNC"));
    EXPECT_TRUE(f.incoming().empty());
}

TEST(QueueConvert, FilesLockedByARunningSendmailAreSkipped) {
    Fixture f;
    write(f.mqueue + "/qfLOCK", qf_text("a@example.org"));
    write(f.mqueue + "/dfLOCK", kBody);
    UniqueFd held(::open((f.mqueue + "/qfLOCK").c_str(), O_RDWR));
    ASSERT_EQ(::flock(held.get(), LOCK_EX), 0);
    Plan plan = f.run(true);
    EXPECT_NE(notes(plan).find("locked by a running sendmail"), std::string::npos);
    EXPECT_TRUE(f.incoming().empty());
}

TEST(QueueConvert, ProgramRecipientsKeepTheMessageForAHuman) {
    Fixture f;
    write(f.mqueue + "/qfP", "V8\nT5\nSa@b.c\nCbob:1000:1000:vacation\nRP:|/usr/bin/vacation bob\n.\n");
    write(f.mqueue + "/dfP", kBody);
    Plan plan = f.run(true);
    EXPECT_NE(notes(plan).find("a program recipient"), std::string::npos);
    EXPECT_TRUE(f.incoming().empty());
}

TEST(QueueConvert, QuarantinedGoesToHoldAndSubdirectoriesAreRead) {
    Fixture f;
    fs::create_directories(f.mqueue + "/qf");
    fs::create_directories(f.mqueue + "/df");
    write(f.mqueue + "/qf/hfQ", "V8\nT5\nSa@b.c\nqspam suspect\nRP:x@y.z\n.\n");
    write(f.mqueue + "/df/dfQ", kBody);
    write(f.mqueue + "/qf/tfT", "partial");
    Plan plan = f.run(true);
    EXPECT_EQ(queue::QueueDir::open(f.postern)->list(queue::kHold)->size(), 1u) << notes(plan);
    EXPECT_NE(notes(plan).find("temporary queue file"), std::string::npos);
}

TEST(QueueConvert, QueueDirectoryGlobsExpandUnderTheRoot) {
    testing::TempDir root;
    for (const char* d : {"/var/spool/mqueue/q1", "/var/spool/mqueue/q2", "/var/spool/mqueue/other"})
        fs::create_directories(root.path() + d);
    auto dirs = queue_directories(root.path(), "/var/spool/mqueue/q*");
    ASSERT_EQ(dirs.size(), 2u);
    EXPECT_EQ(dirs[0], root.path() + "/var/spool/mqueue/q1");
    EXPECT_EQ(queue_directories(root.path(), "/var/spool/mqueue"),
              std::vector<std::string>{root.path() + "/var/spool/mqueue"});
}

TEST(QueueConvert, QfLargerThanTheLimitIsNotRead) {
    Fixture f;
    write(f.mqueue + "/qfBIG", qf_text("a@example.org") );
    write(f.mqueue + "/dfBIG", kBody);
    Plan plan;
    QueueOptions o;
    o.apply = true;
    o.max_file_size = qf_text("a@example.org").size() - 1;  // limit + 1 byte
    convert_queue({f.mqueue, "cf:1"}, {f.postern, f.data, "nobody"}, o, plan);
    EXPECT_NE(notes(plan).find("larger than migrate_file_size_limit"), std::string::npos);
    o.max_file_size += 1;
    Plan ok;
    convert_queue({f.mqueue, "cf:1"}, {f.postern, f.data, "nobody"}, o, ok);
    EXPECT_FALSE(ok.needs_human()) << notes(ok);
}

}  // namespace
}  // namespace postern::migrate
