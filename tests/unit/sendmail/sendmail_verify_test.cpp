// sendmail -bv and -bt over a small user-instance layout: Maildirs for the
// users, a texthash alias table, sendmail's output lines and exit codes.
#include "sendmail_verify.hpp"

#include <gtest/gtest.h>
#include "tests/unit/common/stdio_capture.hpp"
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "lib/base/sysexits.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::sendmail {
namespace {

class Verify : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* u : {"alice", "bob"}) ::mkdir(d_.file(u).c_str(), 0700);
        std::ofstream(d_.file("aliases")) << "staff: alice, bob\nlist: alice, far@example.org, \"|/bin/cat -u\", "
                                              "/tmp/archive\nghost: nobody-here\n";
    }
    config::Config config() {
        auto c = config::Config::parse("user_instance = yes\nmail_spool_directory = " + d_.path() +
                                           "\nmailbox_format = maildir\nalias_maps = texthash:" + d_.file("aliases") +
                                           "\nmyhostname = mx.example.test\nqueue_directory = " + d_.path() + "\n",
                                       d_.file("main.conf"), d_.path());
        EXPECT_TRUE(c) << c.error().message;
        return *c;
    }
    std::string verify(Options o, int& rc) {
        o.mode = Mode::Verify;
        std::FILE* out = std::tmpfile();
        rc = verify_addresses(o, config(), out);
        return read(out);
    }
    static std::string read(std::FILE* f) { return postern::testing::read_and_close(f); }
    postern::testing::TempDir d_;
};

TEST_F(Verify, SendmailLinesForEachFinalDestination) {
    Options o;
    o.recipients = {"list", "alice@mx.example.test", "someone@example.org"};
    int rc = -1;
    std::string out = verify(o, rc);
    EXPECT_EQ(rc, ex::kOk) << out;
    for (const char* want : {"alice... deliverable: mailer local, user alice\n",
                             "far@example.org... deliverable: mailer esmtp, host example.org, user far@example.org\n",
                             "\"|/bin/cat -u\"... deliverable: mailer prog, user \"|/bin/cat -u\"\n",
                             "/tmp/archive... deliverable: mailer *file*, user /tmp/archive\n",
                             "alice@mx.example.test... deliverable: mailer local, user alice\n",
                             "someone@example.org... deliverable: mailer esmtp, host example.org, user someone@example.org\n"})
        EXPECT_NE(out.find(want), std::string::npos) << want << "\n" << out;
}

TEST_F(Verify, UnknownUserIsExNoUser) {
    Options o;
    o.recipients = {"ghost", "bob"};
    int rc = -1;
    std::string out = verify(o, rc);
    EXPECT_EQ(rc, ex::kNoUser);
    EXPECT_NE(out.find("nobody-here... User unknown\n"), std::string::npos) << out;
    EXPECT_NE(out.find("bob... deliverable: mailer local, user bob\n"), std::string::npos) << out;
}

TEST_F(Verify, DashNSkipsAliasesAndDashVShowsTheWay) {
    Options o;
    o.recipients = {"staff"};
    o.no_aliasing = true;
    int rc = -1;
    EXPECT_NE(verify(o, rc).find("staff... User unknown"), std::string::npos);
    EXPECT_EQ(rc, ex::kNoUser);
    o.no_aliasing = false;
    o.verbose = true;
    std::string out = verify(o, rc);
    EXPECT_EQ(rc, ex::kOk);
    EXPECT_NE(out.find("\t(via alias staff"), std::string::npos) << out;
}

TEST_F(Verify, MalformedAddressIsAUsageError) {
    Options o;
    o.recipients = {"a@@b"};
    int rc = -1;
    verify(o, rc);
    EXPECT_EQ(rc, ex::kUsage);
}

TEST_F(Verify, AddressTestModeAnswersEachLine) {
    std::FILE* in = std::tmpfile();
    std::fputs("# comment\n3,0 staff\n/parse bob\n/tryflags HS\nnobody-here\n/quit\nalice\n", in);
    std::fflush(in);
    std::rewind(in);
    std::FILE* out = std::tmpfile();
    Options o;
    EXPECT_EQ(address_test(o, config(), fileno(in), out), ex::kOk);
    std::fclose(in);
    std::string text = read(out);
    EXPECT_NE(text.find("ADDRESS TEST MODE (postern: sendmail rule sets cannot be run"), std::string::npos);
    EXPECT_NE(text.find("alice... deliverable: mailer local, user alice"), std::string::npos) << text;
    EXPECT_NE(text.find("bob... deliverable: mailer local, user bob"), std::string::npos) << text;
    EXPECT_NE(text.find("nobody-here... User unknown"), std::string::npos) << text;
    EXPECT_NE(text.find("no rule sets or test commands"), std::string::npos) << text;
    EXPECT_EQ(text.find("alice... deliverable", text.find("nobody-here")), std::string::npos) << "stops at /quit";
}

}  // namespace
}  // namespace postern::sendmail
