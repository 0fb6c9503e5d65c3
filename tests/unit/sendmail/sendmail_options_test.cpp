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
             EXPECT_EQ(o.dsn_ret, "HDRS");
             EXPECT_EQ(o.dsn_envid, "env1");
             EXPECT_EQ(o.body_type, "8BITMIME");
         }},
        {"accepted and ignored", {"sendmail", "-v", "-h", "5", "-L", "tag", "-G", "-n", "-OX=y", "-odb", "-oA/x", "a"},
         0, "", [](const Options& o) { EXPECT_EQ(o.recipients, std::vector<std::string>{"a"}); }},
        {"unknown flag", {"sendmail", "-x", "a"}, ex::kUsage, "unknown option -x", nullptr},
        {"unknown flag in a bundle", {"sendmail", "-tz"}, ex::kUsage, "unknown option -z", nullptr},
        {"-f without argument", {"sendmail", "-f"}, ex::kUsage, "option -f requires an argument", nullptr},
        {"-C names a config directory", {"sendmail", "-C", "/etc/p3", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.config_dir.value_or("?"), "/etc/p3"); }},
        {"-C names main.conf", {"sendmail", "-C/etc/p3/main.conf", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.config_dir.value_or("?"), "/etc/p3"); }},
        {"unknown mode", {"sendmail", "-bx"}, ex::kUsage, "unknown mode -bx", nullptr},
        {"-ba is refused", {"sendmail", "-ba"}, ex::kUsage, "ARPANET", nullptr},
        {"-bz is refused as sendmail does", {"sendmail", "-bz"}, ex::kUsage, "Frozen configurations unsupported",
         nullptr},
        {"two senders", {"sendmail", "-f", "a", "-r", "b", "x"}, ex::kUsage, "More than one \"from\" person", nullptr},
        {"bad -N", {"sendmail", "-N", "sometimes", "a"}, ex::kUsage, "Invalid -N argument", nullptr},
        {"-N never with another", {"sendmail", "-N", "never,success", "a"}, ex::kUsage, "Invalid -N argument",
         nullptr},
        {"bad -R", {"sendmail", "-R", "body", "a"}, ex::kUsage, "Invalid -R value", nullptr},
        {"bad -V", {"sendmail", "-V", "a=b", "a"}, ex::kUsage, "Invalid syntax in -V flag", nullptr},
        {"bad -B", {"sendmail", "-B", "binarymime", "a"}, ex::kUsage, "Illegal body type", nullptr},
        {"bad -h", {"sendmail", "-h", "x", "a"}, ex::kUsage, "Bad hop count", nullptr},
        {"bad -A", {"sendmail", "-Ax", "a"}, ex::kUsage, "Invalid -A argument", nullptr},
        {"bad delivery mode", {"sendmail", "-odx", "a"}, ex::kUsage, "invalid delivery mode", nullptr},
        {"bad error mode", {"sendmail", "-oez", "a"}, ex::kUsage, "invalid error mode", nullptr},
        {"argument too long", {"sendmail", std::string(kMaxArgLength + 1, 'a')}, ex::kUsage, "argument too long",
         nullptr},
    };
    return kCases;
}

// Every mode of -b and argv[0], and every other flag sendmail 8.17 lists.
const std::vector<Case>& more_cases() {
    static const std::vector<Case> kCases = {
        {"-bs", {"sendmail", "-bs"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::Smtp); }},
        {"-bd", {"sendmail", "-bd"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::Daemon); }},
        {"-bD", {"sendmail", "-bD"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::DaemonForeground); }},
        {"-bv", {"sendmail", "-bv", "a"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::Verify); }},
        {"-bP", {"sendmail", "-bP"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::PrintStats); }},
        {"-bh", {"sendmail", "-bh"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::HostStatus); }},
        {"-bH", {"sendmail", "-bH"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::PurgeHostStatus); }},
        {"-bt", {"sendmail", "-bt"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::AddressTest); }},
        {"-bC", {"sendmail", "-bC"}, 0, "", [](const Options& o) { EXPECT_EQ(o.mode, Mode::CheckConfig); }},
        {"hoststat by name", {"/usr/sbin/hoststat"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.mode, Mode::HostStatus); }},
        {"purgestat by name", {"purgestat"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.mode, Mode::PurgeHostStatus); }},
        {"-Ac and -Am", {"sendmail", "-Ac", "-Am", "a"}, 0, "", nullptr},
        {"-D logfile and -d", {"sendmail", "-D", "/tmp/x", "-d0.1", "-d8.12", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.debug, (std::vector<int>{0, 8})); }},
        {"-G -U -p", {"sendmail", "-G", "-U", "-pUUCP:host", "a"}, 0, "", nullptr},
        {"-h -L", {"sendmail", "-h", "12", "-L", "mytag", "a"}, 0, "", nullptr},
        {"-n", {"sendmail", "-n", "a"}, 0, "", [](const Options& o) { EXPECT_TRUE(o.no_aliasing); }},
        {"-v", {"sendmail", "-v", "a"}, 0, "", [](const Options& o) { EXPECT_TRUE(o.verbose); }},
        {"-X", {"sendmail", "-X", "/tmp/t.log", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.transcript_file.value_or("?"), "/tmp/t.log"); }},
        {"-N normalized", {"sendmail", "-N", "Success, Delay", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.dsn_notify, "success, delay"); }},
        {"-R full", {"sendmail", "-R", "full", "a"}, 0, "", [](const Options& o) { EXPECT_EQ(o.dsn_ret, "FULL"); }},
        {"-B 7bit", {"sendmail", "-B7BIT", "a"}, 0, "", [](const Options& o) { EXPECT_EQ(o.body_type, "7BIT"); }},
        {"-odq -odi -odb", {"sendmail", "-odq", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.delivery_mode, DeliveryMode::Queue); }},
        {"-O DeliveryMode=interactive", {"sendmail", "-O", "DeliveryMode=interactive", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.delivery_mode, DeliveryMode::Interactive); }},
        {"-oeq", {"sendmail", "-oeq", "a"}, 0, "", [](const Options& o) { EXPECT_EQ(o.error_mode, ErrorMode::Quiet); }},
        {"-O ErrorMode=m", {"sendmail", "-OErrorMode=m", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.error_mode, ErrorMode::Mail); }},
        {"-O IgnoreDots", {"sendmail", "-O", "IgnoreDots", "a"}, 0, "",
         [](const Options& o) { EXPECT_TRUE(o.ignore_dots); }},
        {"-O IgnoreDots=False", {"sendmail", "-oi", "-O", "IgnoreDots=False", "a"}, 0, "",
         [](const Options& o) { EXPECT_FALSE(o.ignore_dots); }},
        {"-oQ", {"sendmail", "-bp", "-oQ/var/q"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.queue_directory.value_or("?"), "/var/q"); }},
        {"-O QueueDirectory", {"sendmail", "-bp", "-O", "QueueDirectory=/var/q2"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.queue_directory.value_or("?"), "/var/q2"); }},
        {"-oA", {"sendmail", "-bv", "-oA/etc/al", "a"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.alias_file.value_or("?"), "/etc/al"); }},
        {"ignored letter options", {"sendmail", "-om", "-oL9", "-oMrESMTP", "-o7", "-oT5d", "a"}, 0, "",
         [](const Options& o) { EXPECT_TRUE(o.warnings.empty()); }},
        {"ignored named option", {"sendmail", "-O", "Timeout.queuereturn=5d", "-O", "MaxHopCount=30", "a"}, 0, "",
         [](const Options& o) { EXPECT_TRUE(o.warnings.empty()); }},
        {"unknown named option warns", {"sendmail", "-O", "NoSuchOption=1", "a"}, 0, "",
         [](const Options& o) { ASSERT_EQ(o.warnings.size(), 1u); }},
        {"-Q holds", {"sendmail", "-Qspam", "-qRbob"}, 0, "",
         [](const Options& o) {
             EXPECT_EQ(o.mode, Mode::Quarantine);
             EXPECT_EQ(o.quarantine_reason.value_or("?"), "spam");
         }},
        {"-Q releases", {"sendmail", "-Q", "-qI1ABC"}, 0, "",
         [](const Options& o) {
             EXPECT_EQ(o.mode, Mode::Quarantine);
             EXPECT_EQ(o.quarantine_reason.value_or("?"), "");
         }},
        {"-bp with -q filter keeps listing", {"sendmail", "-bp", "-qRx"}, 0, "",
         [](const Options& o) { EXPECT_EQ(o.mode, Mode::ListQueue); }},
        {"-qG refused", {"sendmail", "-qGslow"}, ex::kUsage, "queue groups", nullptr},
        {"-qQ refused", {"sendmail", "-qQ"}, ex::kUsage, "quarantine", nullptr},
        {"-qL refused", {"sendmail", "-qL"}, ex::kUsage, "lost", nullptr},
        {"bad -q time", {"sendmail", "-q30x"}, ex::kUsage, "Invalid -q time", nullptr},
    };
    return kCases;
}

void run_cases(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
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

TEST(SendmailOptions, TableOfCommandLines) { run_cases(cases()); }

TEST(SendmailOptions, EveryModeAndFlag) { run_cases(more_cases()); }

TEST(SendmailOptions, TooManyArguments) {
    std::vector<std::string> args(kMaxArgs + 1, "a");
    auto r = parse_args(args);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->exit_code, ex::kUsage);
}
TEST(SendmailOptions, UsageLineNamesTheProgram) {
    EXPECT_EQ(usage_line("mailq").rfind("usage: mailq ", 0), 0u);
}

}  // namespace
}  // namespace postern::sendmail
