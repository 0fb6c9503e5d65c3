// postdrop's store step: valid streams are committed, anything else leaves
// nothing in maildrop/ and the right sysexits code.
#include "postdrop_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "lib/base/sysexits.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::postdrop {
namespace {

class NoSpaceOps : public FileOps {
public:
    Status write_all(int, std::string_view) override { return errno_error("write", ENOSPC); }
};

class PostdropStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string(base && *base ? base : "/tmp") + "/postdrop-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        root_ = tmpl;
        ASSERT_TRUE(queue::QueueDir::create_layout(root_));
        auto q = queue::QueueDir::open(root_);
        ASSERT_TRUE(q);
        q_.emplace(std::move(*q));
    }
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }

    // A queue-file stream as sendmail writes it, in a temp file to read from.
    std::FILE* stream(const std::string& content, std::size_t recipients = 1, bool finish = true) {
        std::FILE* f = std::tmpfile();
        queue::Envelope env;
        env.sender = "alice";
        for (std::size_t i = 0; i < recipients; ++i) env.recipients.push_back(queue::Recipient{"r" + std::to_string(i), "", ""});
        queue::Writer w(fileno(f));
        EXPECT_TRUE(w.write_envelope(env));
        EXPECT_TRUE(w.write_data(content));
        if (finish) {
            EXPECT_TRUE(w.finish());
        }
        ::lseek(fileno(f), 0, SEEK_SET);
        return f;
    }

    std::size_t maildrop_entries() {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(root_ + "/maildrop")) ++n;
        return n;
    }

    StoreResult store(std::FILE* f, StoreLimits limits, FileOps& ops = posix_file_ops()) {
        auto r = store_maildrop_file(*q_, fileno(f), limits, ops);
        std::fclose(f);
        return r;
    }

    std::string root_;
    std::optional<queue::QueueDir> q_;
    StoreLimits limits_{10240000, 100};
};

TEST_F(PostdropStoreTest, ValidStreamIsCommitted) {
    auto r = store(stream("hello\n"), limits_);
    ASSERT_EQ(r.exit_code, ex::kOk) << r.message;
    EXPECT_EQ(maildrop_entries(), 1u);
    EXPECT_TRUE(std::filesystem::exists(root_ + "/maildrop/" + r.queue_id));
}

TEST_F(PostdropStoreTest, GarbageIsRefusedAndNothingKept) {
    std::FILE* f = std::tmpfile();
    std::fputs("not a queue file\n", f);
    std::fflush(f);
    ::lseek(fileno(f), 0, SEEK_SET);
    auto r = store(f, limits_);
    EXPECT_EQ(r.exit_code, ex::kDataErr);
    EXPECT_EQ(maildrop_entries(), 0u);
}

TEST_F(PostdropStoreTest, StreamWithoutEndRecordIsRefused) {
    auto r = store(stream("hello\n", 1, false), limits_);
    EXPECT_EQ(r.exit_code, ex::kDataErr);
    EXPECT_EQ(maildrop_entries(), 0u);
}

TEST_F(PostdropStoreTest, RecipientLimitPlusOneIsRefused) {
    StoreLimits l{10240000, 2};
    EXPECT_EQ(store(stream("x\n", 2), l).exit_code, ex::kOk);
    EXPECT_EQ(store(stream("x\n", 3), l).exit_code, ex::kDataErr);
    EXPECT_EQ(maildrop_entries(), 1u);
}

TEST_F(PostdropStoreTest, ContentLimitPlusOneIsRefused) {
    StoreLimits l{1024, 10};
    EXPECT_EQ(store(stream(std::string(1024, 'x')), l).exit_code, ex::kOk);
    EXPECT_EQ(store(stream(std::string(1025, 'x')), l).exit_code, ex::kDataErr);
    EXPECT_EQ(maildrop_entries(), 1u);
}

TEST_F(PostdropStoreTest, StreamLongerThanTheBoundIsRefusedWhileCopying) {
    StoreLimits l{1024, 1};
    std::FILE* f = std::tmpfile();
    std::string junk(max_stream_bytes(l) + 1, 'j');
    std::fwrite(junk.data(), 1, junk.size(), f);
    std::fflush(f);
    ::lseek(fileno(f), 0, SEEK_SET);
    auto r = store(f, l);
    EXPECT_EQ(r.exit_code, ex::kDataErr);
    EXPECT_NE(r.message.find("too large"), std::string::npos);
    EXPECT_EQ(maildrop_entries(), 0u);
}

TEST_F(PostdropStoreTest, NoSpaceIsATemporaryFailure) {
    NoSpaceOps ops;
    auto r = store(stream("hello\n"), limits_, ops);
    EXPECT_EQ(r.exit_code, ex::kTempFail);
    EXPECT_NE(r.message.find("No space left on device"), std::string::npos) << r.message;
    EXPECT_EQ(maildrop_entries(), 0u);
}

}  // namespace
}  // namespace postern::postdrop
