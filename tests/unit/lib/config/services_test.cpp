// services.conf: fields, defaults for "-", continuation lines and the
// "file:line: message" errors master reports.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/config/config_detail.hpp"
#include "lib/config/services.hpp"
#include "tests/unit/lib/config/config_test_util.hpp"

namespace postern::config {
namespace {

using Kind = ServiceEntry::Kind;

std::string error_of(const std::string& text) {
    auto r = parse_services(text, "services.conf");
    return r.ok() ? std::string("(no error)") : r.error().message;
}

TEST(Services, ParsesTheDocumentedExample) {
    const std::string text =
        "# service   type  private unpriv chroot maxproc command [args...]\n"
        "pickup      unix  n       y      n      1       pickup\n"
        "cleanup     unix  y       y      n      -       cleanup\n"
        "\n"
        "local       unix  y       n      n      -       local -v\n"
        "127.0.0.1:2525 inet n     y      n      -       smtpd\n"
        "  -o smtpd_x=1\n";
    auto r = parse_services(text, "services.conf");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 4u);
    const auto& pickup = (*r)[0];
    EXPECT_EQ(pickup.name, "pickup");
    EXPECT_EQ(pickup.kind, Kind::Unix);
    EXPECT_FALSE(pickup.is_private);
    EXPECT_TRUE(pickup.unprivileged);
    EXPECT_FALSE(pickup.chroot);
    EXPECT_EQ(pickup.max_proc, 1);
    EXPECT_EQ(pickup.line, 2);
    EXPECT_EQ((*r)[1].max_proc, 0) << "- means default_process_limit";
    EXPECT_EQ((*r)[2].args, (std::vector<std::string>{"-v"}));
    EXPECT_FALSE((*r)[2].unprivileged);
    const auto& smtpd = (*r)[3];
    EXPECT_EQ(smtpd.kind, Kind::Inet);
    EXPECT_EQ(smtpd.name, "127.0.0.1:2525");
    EXPECT_EQ(smtpd.command, "smtpd");
    EXPECT_EQ(smtpd.args, (std::vector<std::string>{"-o", "smtpd_x=1"}));
    EXPECT_EQ(smtpd.line, 6);
}

TEST(Services, DashTakesTheDefaults) {
    auto r = parse_services("x unix - - - - /usr/libexec/x\n", "services.conf");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE((*r)[0].is_private);
    EXPECT_TRUE((*r)[0].unprivileged);
    EXPECT_FALSE((*r)[0].chroot);
    EXPECT_EQ((*r)[0].max_proc, 0);
    EXPECT_EQ((*r)[0].command, "/usr/libexec/x");
}

struct NameCase {
    const char* label;
    const char* line;
    bool ok;
};

TEST(Services, InetNames) {
    const std::vector<NameCase> cases = {
        {"port only", "25 inet n y n - smtpd\n", true},
        {"host and port", "127.0.0.1:25 inet n y n - smtpd\n", true},
        {"bracketed v6", "[::1]:2525 inet n y n - smtpd\n", true},
        {"hostname", "mx.example.org:25 inet n y n - smtpd\n", true},
        {"empty host", ":25 inet n y n - smtpd\n", true},
        {"lowest port", "1 inet n y n - smtpd\n", true},
        {"highest port", "65535 inet n y n - smtpd\n", true},
        {"port zero", "0 inet n y n - smtpd\n", false},
        {"port above 65535", "65536 inet n y n - smtpd\n", false},
        {"port name", "smtp inet n y n - smtpd\n", false},
        {"no port", "127.0.0.1: inet n y n - smtpd\n", false},
        {"negative port", "-25 inet n y n - smtpd\n", false},
        {"unbracketed v6", "::1:25 inet n y n - smtpd\n", false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(parse_services(c.line, "services.conf").ok(), c.ok);
    }
}

TEST(Services, UnixNames) {
    const std::vector<NameCase> cases = {
        {"plain", "qmgr unix n y n 1 qmgr\n", true},
        {"dots dashes underscores", "my-svc_1.x unix y y n - x\n", true},
        {"slash", "a/b unix y y n - x\n", false},
        {"dot dot", ".. unix y y n - x\n", false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(parse_services(c.line, "services.conf").ok(), c.ok);
    }
    EXPECT_TRUE(parse_services(std::string(64, 'a') + " unix y y n - x\n", "services.conf").ok());
    EXPECT_FALSE(parse_services(std::string(65, 'a') + " unix y y n - x\n", "services.conf").ok());
}

struct ErrorCase {
    const char* label;
    const char* text;
    const char* want;
};

TEST(Services, ErrorsNameFileAndLine) {
    const std::vector<ErrorCase> cases = {
        {"too few fields", "# c\npickup unix n y n 1\n",
         "services.conf:2: expected at least 7 fields (service type private unpriv chroot maxproc command), got 6"},
        {"bad type", "pickup fifo n y n 1 pickup\n",
         "services.conf:1: bad service type \"fifo\" (want unix or inet)"},
        {"bad private flag", "pickup unix yes y n 1 pickup\n",
         "services.conf:1: private: bad value \"yes\" (want y, n or -)"},
        {"bad unpriv flag", "pickup unix n Y n 1 pickup\n", "services.conf:1: unpriv: bad value \"Y\" (want y, n or -)"},
        {"bad chroot flag", "pickup unix n y 0 1 pickup\n", "services.conf:1: chroot: bad value \"0\" (want y, n or -)"},
        {"maxproc zero", "pickup unix n y n 0 pickup\n", "services.conf:1: maxproc: bad value \"0\" (want - or 1..10000)"},
        {"maxproc above limit", "pickup unix n y n 10001 pickup\n",
         "services.conf:1: maxproc: bad value \"10001\" (want - or 1..10000)"},
        {"maxproc not a number", "pickup unix n y n x pickup\n",
         "services.conf:1: maxproc: bad value \"x\" (want - or 1..10000)"},
        {"duplicate", "qmgr unix n y n 1 qmgr\n\nqmgr unix n y n 1 qmgr\n",
         "services.conf:3: duplicate service \"qmgr\" of type unix (first defined at line 1)"},
        {"bad inet name", "70000 inet n y n - smtpd\n",
         "services.conf:1: bad inet service name \"70000\" (want [host:]port, port 1-65535)"},
        {"error line after continuation", "a unix y y n - a\n  -v\n  -v\nb unix y y n\n",
         "services.conf:4: expected at least 7 fields (service type private unpriv chroot maxproc command), got 5"},
        {"continuation first", "  a unix y y n - a\n", "services.conf:1: continuation line without a preceding line"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(error_of(c.text), c.want);
    }
}

TEST(Services, SameNameDifferentTypeIsAllowed) {
    auto r = parse_services("25 unix y y n - a\n25 inet n y n - smtpd\n", "services.conf");
    EXPECT_TRUE(r.ok());
}

TEST(Services, MaxprocAtLimit) {
    EXPECT_TRUE(parse_services("p unix n y n 10000 p\n", "services.conf").ok());
    EXPECT_TRUE(parse_services("p unix n y n 1 p\n", "services.conf").ok());
}

TEST(Services, LoadReadsServicesConf) {
    testing::TempConfigDir dir;
    auto missing = load_services(dir.path());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, dir.path() + "/services.conf: No such file or directory");
    dir.write("services.conf", "pickup unix n y n 1 pickup\nbogus\n");
    auto bad = load_services(dir.path());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message,
              dir.path() + "/services.conf:2: expected at least 7 fields (service type private unpriv chroot "
                           "maxproc command), got 1");
    dir.write("services.conf", "pickup unix n y n 1 pickup\n");
    auto ok = load_services(dir.path());
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->size(), 1u);
}

TEST(Services, FileOverTheBoundIsRefused) {
    testing::TempConfigDir dir;
    dir.write("services.conf", std::string(detail::kMaxConfigBytes + 1, '#'));
    auto r = load_services(dir.path());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, dir.path() + "/services.conf: file is larger than 1048576 bytes");
}

}  // namespace
}  // namespace postern::config
