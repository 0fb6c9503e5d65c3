// Queue file round trips, limits and in-place recipient marking.
#include "lib/queue/queue_file.hpp"

#include <gtest/gtest.h>

#include "tests/unit/lib/queue/queue_test_util.hpp"

namespace postern::queue {
namespace {

using testing::file_bytes;
using testing::file_with;
using testing::read_all_content;
using testing::sample_envelope;
using testing::write_queue_file;

class QueueFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(dir_.path().empty());
        fd_ = file_with(dir_, "");
        ASSERT_GE(fd_, 0);
    }
    void TearDown() override { ::close(fd_); }

    postern::testing::TempDir dir_;
    int fd_ = -1;
};

TEST_F(QueueFileTest, EnvelopeRoundTripsWithManyRecipients) {
    Envelope env = sample_envelope(1000);
    env.extract_recipients = true;
    env.recipients[7].status = RcptStatus::Delivered;
    env.recipients[8].status = RcptStatus::Bounced;
    env.recipients[9].orcpt.clear();
    ASSERT_TRUE(write_queue_file(fd_, env, "Subject: x\n\nbody\n").ok());
    auto got = read_envelope(fd_);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->arrival.tv_sec, env.arrival.tv_sec);
    EXPECT_EQ(got->arrival.tv_nsec, env.arrival.tv_nsec);
    EXPECT_EQ(got->sender, env.sender);
    EXPECT_EQ(got->full_name, env.full_name);
    EXPECT_EQ(got->uid, env.uid);
    EXPECT_TRUE(got->extract_recipients);
    EXPECT_EQ(got->attrs, env.attrs);
    ASSERT_EQ(got->recipients.size(), env.recipients.size());
    for (std::size_t i = 0; i < env.recipients.size(); ++i) {
        EXPECT_EQ(got->recipients[i].address, env.recipients[i].address);
        EXPECT_EQ(got->recipients[i].orcpt, env.recipients[i].orcpt);
        EXPECT_EQ(got->recipients[i].notify, env.recipients[i].notify);
        EXPECT_EQ(got->recipients[i].status, env.recipients[i].status);
    }
    EXPECT_EQ(got->content_size, 17u);
    EXPECT_GT(got->content_offset, 0);
}

TEST_F(QueueFileTest, NullSenderAndNoOptionalRecordsRoundTrip) {
    Envelope env;
    env.arrival = {5, 0};
    env.recipients.push_back({"x@y", "", "", RcptStatus::Pending, 0});
    ASSERT_TRUE(write_queue_file(fd_, env, "").ok());
    auto got = read_envelope(fd_);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->sender, "");
    EXPECT_EQ(got->uid, -1);
    EXPECT_FALSE(got->extract_recipients);
    EXPECT_TRUE(got->attrs.empty());
    EXPECT_EQ(got->content_size, 0u);
}

std::string eight_bit_text() {
    std::string s = "Subject: caf\xc3\xa9\n\n";
    for (int i = 0; i < 4000; ++i) s += static_cast<char>(0x80 + i % 128);
    return s + "\n";
}

std::string nul_free_binary(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(1 + (i * 7919) % 255);
    return s;
}

TEST_F(QueueFileTest, ContentRoundTrips) {
    struct Case {
        const char* label;
        std::string content;
    };
    const Case cases[] = {
        {"empty", ""},
        {"one line", "hello\n"},
        {"8-bit", eight_bit_text()},
        {"binary-ish, NUL-free", nul_free_binary(100000)},
        {"exactly kMaxData", std::string(kMaxData, 'x')},
        {"kMaxData + 1", std::string(kMaxData + 1, 'y')},
        {"several records", nul_free_binary(5 * kMaxData + 3)},
    };
    for (const auto& c : cases) {
        ASSERT_EQ(::ftruncate(fd_, 0), 0);
        ASSERT_EQ(::lseek(fd_, 0, SEEK_SET), 0);
        ASSERT_TRUE(write_queue_file(fd_, sample_envelope(), c.content).ok()) << c.label;
        auto env = read_envelope(fd_);
        ASSERT_TRUE(env.ok()) << c.label << ": " << env.error().message;
        EXPECT_EQ(env->content_size, c.content.size()) << c.label;
        auto content = read_all_content(fd_, *env);
        ASSERT_TRUE(content.ok()) << c.label << ": " << content.error().message;
        EXPECT_TRUE(*content == c.content) << c.label;
    }
}

TEST_F(QueueFileTest, ManySmallWritesAreGatheredIntoFewRecords) {
    Writer w(fd_);
    ASSERT_TRUE(w.write_envelope(sample_envelope()).ok());
    std::string want;
    for (int i = 0; i < 20000; ++i) {
        std::string line = "line " + std::to_string(i) + "\n";
        want += line;
        ASSERT_TRUE(w.write_data(line).ok());
    }
    ASSERT_TRUE(w.write_data(nul_free_binary(3 * kMaxData)).ok());  // large piece after small ones
    want += nul_free_binary(3 * kMaxData);
    ASSERT_TRUE(w.finish().ok());
    EXPECT_EQ(w.content_size(), want.size());
    auto env = read_envelope(fd_);
    ASSERT_TRUE(env.ok()) << env.error().message;
    int chunks = 0;
    std::string got;
    auto st = read_content(fd_, *env, [&](std::string_view chunk) -> Status {
        ++chunks;
        EXPECT_LE(chunk.size(), kMaxData);
        got.append(chunk);
        return {};
    });
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_TRUE(got == want);
    EXPECT_LE(static_cast<std::size_t>(chunks), want.size() / kMaxData + 2);
}

TEST_F(QueueFileTest, SinkErrorStopsReadContent) {
    ASSERT_TRUE(write_queue_file(fd_, sample_envelope(), std::string(3 * kMaxData, 'z')).ok());
    auto env = read_envelope(fd_);
    ASSERT_TRUE(env.ok());
    int calls = 0;
    auto st = read_content(fd_, *env, [&](std::string_view) -> Status {
        ++calls;
        return make_error("sink full");
    });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "sink full");
    EXPECT_EQ(calls, 1);
}

TEST_F(QueueFileTest, MarkRecipientUpdatesStatusInPlace) {
    ASSERT_TRUE(write_queue_file(fd_, sample_envelope(3), "body\n").ok());
    auto env = read_envelope(fd_);
    ASSERT_TRUE(env.ok());
    std::string before = file_bytes(fd_);
    ASSERT_TRUE(mark_recipient(fd_, env->recipients[1].status_offset, RcptStatus::Delivered).ok());
    ASSERT_TRUE(mark_recipient(fd_, env->recipients[2].status_offset, RcptStatus::Bounced).ok());
    auto again = read_envelope(fd_);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->recipients[0].status, RcptStatus::Pending);
    EXPECT_EQ(again->recipients[1].status, RcptStatus::Delivered);
    EXPECT_EQ(again->recipients[2].status, RcptStatus::Bounced);
    EXPECT_EQ(file_bytes(fd_).size(), before.size());
}

TEST_F(QueueFileTest, MarkRecipientRefusesAnOffsetThatIsNotAStatusByte) {
    ASSERT_TRUE(write_queue_file(fd_, sample_envelope(), "body\n").ok());
    std::string before = file_bytes(fd_);
    auto st = mark_recipient(fd_, 0, RcptStatus::Delivered);  // 'P' of the magic
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("offset 0"), std::string::npos);
    EXPECT_FALSE(mark_recipient(fd_, 1 << 30, RcptStatus::Delivered).ok());
    EXPECT_EQ(file_bytes(fd_), before);
}

TEST_F(QueueFileTest, WriterRejectsWhatTheReaderWouldCallCorrupt) {
    Envelope nul_sender = sample_envelope();
    nul_sender.sender = std::string("a\0b", 3);
    Envelope empty_rcpt = sample_envelope();
    empty_rcpt.recipients[0].address.clear();
    Envelope long_sender = sample_envelope();
    long_sender.sender.assign(kMaxEnvelopeRecord + 1, 's');
    Envelope bad_attr = sample_envelope();
    bad_attr.attrs.push_back({"a=b", "c"});
    Envelope bad_status = sample_envelope();
    bad_status.recipients[1].status = static_cast<RcptStatus>('x');
    Envelope big_uid = sample_envelope();
    big_uid.uid = 1ll << 32;
    for (const Envelope* env : {&nul_sender, &empty_rcpt, &long_sender, &bad_attr, &bad_status, &big_uid}) {
        Writer w(fd_);
        EXPECT_FALSE(w.write_envelope(*env).ok());
        EXPECT_FALSE(w.finish().ok());
    }
}

TEST_F(QueueFileTest, EnvelopeRecordAtTheLimitRoundTrips) {
    Envelope env = sample_envelope();
    env.sender.assign(kMaxEnvelopeRecord, 's');
    ASSERT_TRUE(write_queue_file(fd_, env, "x").ok());
    auto got = read_envelope(fd_);
    ASSERT_TRUE(got.ok()) << got.error().message;
    EXPECT_EQ(got->sender.size(), kMaxEnvelopeRecord);
}

TEST_F(QueueFileTest, WriterEnforcesCallOrder) {
    Writer w(fd_);
    EXPECT_FALSE(w.write_data("early").ok());
    EXPECT_FALSE(w.finish().ok());
    ASSERT_TRUE(w.write_envelope(sample_envelope()).ok());
    EXPECT_FALSE(w.write_envelope(sample_envelope()).ok());
    ASSERT_TRUE(w.finish().ok());
    EXPECT_FALSE(w.write_data("late").ok());
}

TEST_F(QueueFileTest, ReadLimitsAcceptTheLimitAndRejectLimitPlusOne) {
    ASSERT_TRUE(write_queue_file(fd_, sample_envelope(3), std::string(100, 'c')).ok());
    ReadLimits at;
    at.max_recipients = 3;
    at.max_content = 100;
    at.max_attributes = 2;
    EXPECT_TRUE(read_envelope(fd_, at).ok());
    struct Case {
        const char* label;
        ReadLimits limits;
        const char* want;
    };
    ReadLimits rcpt = at, content = at, attrs = at, envelope = at;
    rcpt.max_recipients = 2;
    content.max_content = 99;
    attrs.max_attributes = 1;
    envelope.max_envelope_bytes = 50;
    const Case cases[] = {{"recipients", rcpt, "too many recipients"},
                          {"content", content, "content larger than 99"},
                          {"attributes", attrs, "too many attributes"},
                          {"envelope bytes", envelope, "envelope larger than 50"}};
    for (const auto& c : cases) {
        auto got = read_envelope(fd_, c.limits);
        ASSERT_FALSE(got.ok()) << c.label;
        EXPECT_NE(got.error().message.find(c.want), std::string::npos) << got.error().message;
    }
}

}  // namespace
}  // namespace postern::queue
