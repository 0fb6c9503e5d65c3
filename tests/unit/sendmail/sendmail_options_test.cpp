// The sendmail flag table, case by case: each row is one command line and
// what parse_args must make of it.
#include "sendmail_options.hpp"

#include <gtest/gtest.h>

#include "lib/base/sysexits.hpp"

namespace postern::sendmail {
namespace {

struct Case {
    const char* label;
    std::vector<std::string> args;
    int want_exit;                         // 0 = parses
    std::string want_error;                // substring of the message
    std::function<void(const Options&)> check;
};

const std::vector<Case>& cases() {
    static const std::vector<Case> kCases = {
        {"plain recipients", {"sendmail", "a@x", "b@y"}, 0, "",
         [](const Options& o) {
             EXPECT_EQ(o.mode, Mode::Deliver);
             EXPECT_EQ(o.recipients, (std::vector<std::string>{"a@x", "b@y"}));
             EXPECT_FALSE(o.sender);
         }},
        {"-t without recipients", {"sendmail", "-t"}, 0, "",
         [](const Options& o) {
             EXPECT_TRUE(o.extract_recipients);
             EXPECT_TRUE(o.recipients.empty());
         }},
        {"-t with recipients", {"sendmail", "-t", "c@z"}, 0, "",
         [](const Options& o) {
             EXPECT_TRUE(o.extract_recipients);
             EXPECT_EQ(o.recipients, std::vector<std::string>{"c@z"});
         }},
        {"bundled -ti", {"sendmail", "-ti"}, 0, "",
         [](const Options& o) { EXPECT_TRUE(o.extract_recipients && o.ignore_dots); }},
        {"-oi ignores dots", {"sendmail", "-oi", "a"}, 0, "", [](const Options& o) { EXPECT_TRUE(o.ignore_dots); }},
        {"-o i separated", {"sendmail", "-o", "i", "a"}, 0, "", [](const Options& o) { EXPECT_TRUE(o.ignore_dots); }},
        {"-f attached", {"sendmail", "-fuser@x", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.sender.value_or("?"), "user@x"); }},
        {"-f separate", {"sendmail", "-f", "user@x", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.sender.value_or("?"), "user@x"); }},
        {"-f <> is the null sender", {"sendmail", "-f", "<>", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.sender.value_or("?"), ""); }},
        {"-f <addr> loses the brackets", {"sendmail", "-f<u@x>", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.sender.value_or("?"), "u@x"); }},
        {"-r is -f", {"sendmail", "-r", "bounce@x", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.sender.value_or("?"), "bounce@x"); }},
        {"-F full name", {"sendmail", "-F", "Cron Daemon", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.full_name.value_or("?"), "Cron Daemon"); }},
        {"-F attached", {"sendmail", "-FCronDaemon", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.full_name.value_or("?"), "CronDaemon"); }},
        {"cron's command line",
         {"sendmail", "-FCronDaemon", "-i", "-odi", "-oem", "-oi", "-t", "-f", "root"}, 0, "",
         [](const Options& o) {
             EXPECT_TRUE(o.extract_recipients && o.ignore_dots);
             EXPECT_EQ(o.sender.value_or("?"), "root");
         }},
        {"-- ends options", {"sendmail", "--", "-notaflag"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.recipients, std::vector<std::string>{"-notaflag"}); }},
        {"first operand ends options", {"sendmail", "a@x", "-t"}, 0, "",
         [](const Options& o) {
             EXPECT_FALSE(o.extract_recipients);
             EXPECT_EQ(o.recipients, (std::vector<std::string>{"a@x", "-t"}));
         }},
        {"-bm is the default mode", {"sendmail", "-bm", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.mode, Mode::Deliver); }},
        {"-bp lists", {"sendmail", "-bp"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::ListQueue); }},
        {"-bi rebuilds", {"sendmail", "-bi"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.mode, Mode::RebuildAliases); }},
        {"mailq by name", {"/usr/bin/mailq"}, 0, "",
         [](const Options& o) {
             EXPECT_EQ(o.mode, Mode::ListQueue);
             EXPECT_EQ(o.program, "mailq");
         }},
        {"newaliases by name", {"newaliases"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.mode, Mode::RebuildAliases); }},
        {"-c picks the instance", {"sendmail", "-c", "/etc/p2", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.config_dir.value_or("?"), "/etc/p2"); }},
        {"DSN flags recorded", {"sendmail", "-N", "success,delay", "-R", "hdrs", "-V", "env1", "-B", "8BITMIME", "a"},
         0, "",
         [](const Options& o) {
             EXPECT_EQ(o.dsn_notify, "success,delay");
             EXPECT_EQ(o.dsn_ret, "hdrs");
             EXPECT_EQ(o.dsn_envid, "env1");
             EXPECT_EQ(o.body_type, "8BITMIME");
         }},
        {"accepted and ignored", {"sendmail", "-v", "-h", "5", "-L", "tag", "-G", "-n", "-OX=y", "-odb", "-oA/x", "a"},
         0, "", [](const Options& o) { EXPECT_EQ(o.recipients, std::vector<std::string>{"a"}); }},
        {"unknown flag", {"sendmail", "-x", "a"}, ex::kUsage, "unknown option -x", nullptr},
        {"unknown flag in a bundle", {"sendmail", "-tz"}, ex::kUsage, "unknown option -z", nullptr},
        {"-f without argument", {"sendmail", "-f"}, ex::kUsage, "option -f requires an argument", nullptr},
        {"-C is refused", {"sendmail", "-C", "/etc/mail/sendmail.cf", "a"}, ex::kUsage, "-C FILE is not supported",
         nullptr},
        {"unknown mode", {"sendmail", "-bz"}, ex::kUsage, "unknown mode -bz", nullptr},
        {"later mode", {"sendmail", "-bs"}, ex::kUnavailable, "not supported yet", nullptr},
    };
    return kCases;
}

TEST(SendmailOptions, TableOfCommandLines) {
    for (const auto& c : cases()) {
        SCOPED_TRACE(c.label);
        auto r = parse_args(c.args);
        if (c.want_exit == 0) {
            ASSERT_FALSE(r.error) << r.error->message;
            if (c.check) c.check(r.options);
        } else {
            ASSERT_TRUE(r.error);
            EXPECT_EQ(r.error->exit_code, c.want_exit);
            EXPECT_NE(r.error->message.find(c.want_error), std::string::npos) << r.error->message;
        }
    }
}

TEST(SendmailOptions, UsageLineNamesTheProgram) {
    EXPECT_EQ(usage_line("mailq").rfind("usage: mailq ", 0), 0u);
}

}  // namespace
}  // namespace postern::sendmail
