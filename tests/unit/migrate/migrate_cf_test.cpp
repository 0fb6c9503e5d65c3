// The sendmail.cf and .mc readers and what the plan makes of them.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lib/config/config.hpp"
#include "migrate/migrate_cf.hpp"
#include "migrate/migrate_config.hpp"
#include "migrate/migrate_mc.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::migrate {
namespace {

const std::string kCf =
    "# comment\n"
    "#####  $Id: cf.m4,v 8.33 2013-11-22 20:51:13 ca Exp $  #####\n"
    "#####  $Id: virtusertable.m4,v 8.24 2013-11-22 20:51:11 ca Exp $  #####\n"
    "#####  $Id: proto.m4,v 8.762 2013-11-22 20:51:13 ca Exp $  #####\n"
    "V10/Berkeley\n"
    "Cwlocalhost\n"
    "Fw-o /etc/mail/local-host-names\n"
    "C{w}mx.example.test\n"
    "DS[relay.example.test]\n"
    "DMexample.test\n"
    "D{MTAHost}\n"
    "Kvirtuser hash -o /etc/mail/virtusertable\n"
    "Kldapmap ldap -h ldap.example.test -b dc=example -k (uid=%0) -v mail\n"
    "O MaxMessageSize=10485760\n"
    "O Timeout.queuereturn=5d\n"
    "O PrivacyOptions=authwarnings,novrfy\n"
    "O SomethingNew=1\n"
    "Troot\n"
    "H?P?Return-Path: <$g>\n"
    "HX-Site: ours\n"
    "Mlocal,\t\tP=/usr/bin/procmail, F=lsDFMAw5:/|@qSPfhn9, S=EnvFromL/HdrFromL,\n"
    "\t\tT=DNS/RFC822/X-Unix,\n"
    "Mesmtp,\t\tP=[IPC], F=mDFMuXa, S=EnvFromSMTP/HdrFromSMTP, R=EnvToSMTP, E=\\r\\n, L=990,\n"
    "SParseLocal=98\n"
    "R$* < @ $+ .REDIRECT. >\t\t$: $1 < @ $2 . REDIRECT . >\n"
    "R$* < @ foo . test > $*\t$#error $: 550 no foo\n"
    "Scanonify=3\n"
    "R$@\t\t\t$@ <@>\n";

TEST(CfReader, ReadsEveryKindOfLineWithItsNumber) {
    CfFile cf = parse_cf(kCf, "sendmail.cf");
    EXPECT_TRUE(cf.m4_generated());
    EXPECT_TRUE(cf.has_piece("virtusertable"));
    EXPECT_EQ(cf.version, "10/Berkeley");
    ASSERT_NE(cf.macro("S"), nullptr);
    EXPECT_EQ(cf.macro("S")->value, "[relay.example.test]");
    EXPECT_EQ(cf.macro("S")->line, 9u);
    EXPECT_EQ(cf.class_words("w"), (std::vector<std::string>{"localhost", "mx.example.test"}));
    ASSERT_EQ(cf.maps.size(), 2u);
    EXPECT_EQ(cf.maps[1].name, "ldapmap");
    EXPECT_EQ(cf.maps[1].value, "ldap -h ldap.example.test -b dc=example -k (uid=%0) -v mail");
    ASSERT_NE(cf.option("Timeout.queuereturn"), nullptr);
    EXPECT_EQ(cf.option("Timeout.queuereturn")->value, "5d");
    const CfMailer* local = cf.mailer("local");
    ASSERT_NE(local, nullptr);
    EXPECT_EQ(local->fields.at("P"), "/usr/bin/procmail");
    EXPECT_EQ(local->fields.at("T"), "DNS/RFC822/X-Unix");  // from the continuation line
    ASSERT_EQ(cf.headers.size(), 2u);
    EXPECT_EQ(cf.headers[0].flags, "P");
    EXPECT_EQ(cf.headers[0].name, "Return-Path");
    ASSERT_EQ(cf.rulesets.size(), 2u);
    EXPECT_EQ(cf.rulesets[0].number, "98");
    EXPECT_EQ(cf.rulesets[0].rules[1].rhs, "$#error $: 550 no foo");
    EXPECT_EQ(cf.rulesets[0].rules[1].line, 26u);
}

TEST(CfConvert, SettingsComeFromTheirLinesAndLoad) {
    testing::TempDir root;
    std::filesystem::create_directories(root.path() + "/etc/mail");
    std::ofstream(root.path() + "/etc/mail/local-host-names") << "# names\nmail.example.test\nMX.example.test\n";
    CfFile cf = parse_cf(kCf, "sendmail.cf");
    Plan plan;
    auto settings = convert_cf(cf, CfContext{root.path()}, plan);
    std::map<std::string, std::string> by_name;
    for (const auto& s : settings) by_name[s.name] = s.value;
    EXPECT_EQ(by_name["relayhost"], "[relay.example.test]");
    EXPECT_EQ(by_name["message_size_limit"], "10485760");
    EXPECT_EQ(by_name["maximal_queue_lifetime"], "432000s");
    EXPECT_EQ(by_name["disable_vrfy_command"], "yes");
    EXPECT_EQ(by_name["mydestination"], "$myhostname, localhost, mx.example.test, mail.example.test");
    std::string text;
    for (const auto& s : settings) text += s.name + " = " + s.value + "\n";
    EXPECT_TRUE(config::Config::parse(text, "main.conf", "/etc/postern").ok());
    std::string out = plan.render();
    EXPECT_NE(out.find("not converted\tsendmail.cf:17\tO SomethingNew=1"), std::string::npos) << out;
    EXPECT_NE(out.find("sendmail.cf:10\tDMexample.test"), std::string::npos);
    EXPECT_NE(out.find("not converted\tsendmail.cf:13\tKldapmap ldap"), std::string::npos);
    EXPECT_NE(out.find("not converted\tsendmail.cf:21\tMlocal\tlocal delivery went through procmail"),
              std::string::npos);
    EXPECT_NE(out.find("not converted\tsendmail.cf:20\tHX-Site: ours"), std::string::npos);
}

TEST(CfConvert, OnlyHandWrittenRulesNeedAHuman) {
    CfFile cf = parse_cf(kCf, "sendmail.cf");
    Plan plan;
    describe_rules(cf, plan);
    std::string out = plan.render();
    EXPECT_NE(out.find("not converted\tsendmail.cf:26\tR$* < @ foo . test > $*"), std::string::npos) << out;
    EXPECT_NE(out.find("rejects with \"550 no foo\" for addresses at foo.test"), std::string::npos) << out;
    EXPECT_EQ(out.find("REDIRECT"), std::string::npos);  // FEATURE(redirect)'s own rule
    EXPECT_EQ(plan.count(Outcome::NotConverted), 1u);
}

TEST(CfConvert, WithoutM4MarkersEveryRuleIsHandWritten) {
    CfFile cf = parse_cf("V10\nS0\nR$+\t$#local $: $1\nR$*\t$@ $1\n", "hand.cf");
    Plan plan;
    describe_rules(cf, plan);
    EXPECT_EQ(plan.count(Outcome::NotConverted), 2u);
    EXPECT_NE(plan.render().find("routes to mailer local"), std::string::npos);
}

// Each hand-written rule is reported with a guess of what it does.
TEST(CfConvert, HandWrittenRulesAreDescribed) {
    struct Case {
        const char* label;
        const char* cf;
        const char* want;
    } cases[] = {
        {"reject with dsn", "SLocal_check_mail\nR$* < @ spam . test > $*\t$#error $@ 5 . 7 . 1 $: \"550 go away\"\n",
         "rejects with \"550 go away\" (5.7.1) for addresses at spam.test at MAIL FROM"},
        {"discard", "SLocal_check_rcpt\nR$* < @ noise . test >\t$#discard $: discard\n",
         "discards the message for addresses at noise.test at RCPT TO"},
        {"relay", "SLocal_check_rcpt\nR$* < @ partner . test >\t$# RELAY\n", "allows relaying"},
        {"route", "SParseLocal=98\nR$* < @ lan . test . > $*\t$#esmtp $@ [ 10 . 0 . 0 . 1 ] $: $1 < @ lan . test . > $2\n",
         "routes to mailer esmtp (host [10.0.0.1]) for addresses at lan.test. when resolving recipients"},
        {"map and call", "S1\nR$+\t$: $>3 $(mymap $1 $)\n",
         "rewrites the address, calling rule set 3, looking up map mymap on sender addresses"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        Plan plan;
        describe_rules(parse_cf(std::string("V10\n") + c.cf, "hand.cf"), plan);
        ASSERT_EQ(plan.count(Outcome::NotConverted), 1u);
        EXPECT_NE(plan.render().find(c.want), std::string::npos) << plan.render();
        EXPECT_NE(plan.render().find("\thand.cf:3\t"), std::string::npos);
    }
}

TEST(CfConvert, SendmailTimes) {
    EXPECT_EQ(sendmail_seconds("5d"), 432000);
    EXPECT_EQ(sendmail_seconds("4h30m"), 16200);
    EXPECT_EQ(sendmail_seconds("90"), 90);
    EXPECT_EQ(sendmail_seconds("5x"), std::nullopt);
    EXPECT_EQ(sendmail_seconds("99999999999d"), std::nullopt);
}

TEST(CfConvert, AValuePosternRefusesIsNotConverted) {
    CfFile cf = parse_cf("O MaxHopCount=5\n", "sendmail.cf");  // hopcount_limit is at least 10
    Plan plan;
    EXPECT_TRUE(convert_cf(cf, CfContext{}, plan).empty());
    EXPECT_NE(plan.render().find("hopcount_limit = 5 is refused"), std::string::npos) << plan.render();
}

const std::string kMc =
    "divert(-1)dnl\n"
    "# comment FEATURE(`not_this')\n"
    "divert(0)dnl\n"
    "VERSIONID(`test')dnl\n"
    "OSTYPE(`linux')dnl\n"
    "define(`SMART_HOST', `esmtp:[relay, with comma]')dnl\n"
    "FEATURE(`virtusertable', `hash -o /etc/mail/virtusertable')dnl\n"
    "FEATURE(`ldap_routing', , `ldap -1 -T<TMPF> -v mailHost -k (&(objectClass=inetLocalMailRecipient)\n"
    "  (mailLocalAddress=%0))')dnl\n"
    "MASQUERADE_AS(`example.test')dnl\n"
    "VIRTUSER_DOMAIN(`virt.example.test')dnl\n"
    "GENERICS_DOMAIN_FILE(`/etc/mail/generics-domains')dnl\n"
    "LDAPROUTE_DOMAIN(`ldap.example.test')dnl\n"
    "MAILER(smtp)dnl\n"
    "LOCAL_RULE_0\n"
    "R$* < @ foo . test > $*\t$#error $: 550 no foo\n"
    "\n"
    "LOCAL_CONFIG\n"
    "Kmymap hash /etc/mail/mymap\n"
    "EXPOSED_USER(`root')dnl\n";

TEST(McReader, ReadsCallsAndSectionsWithoutM4) {
    McFile mc = parse_mc(kMc, "sendmail.mc");
    std::vector<std::string> names;
    for (const auto& c : mc.calls) names.push_back(c.name);
    EXPECT_EQ(names, (std::vector<std::string>{"divert", "divert", "VERSIONID", "OSTYPE", "define", "FEATURE",
                                               "FEATURE", "MASQUERADE_AS", "VIRTUSER_DOMAIN", "GENERICS_DOMAIN_FILE",
                                               "LDAPROUTE_DOMAIN", "MAILER", "EXPOSED_USER"}));
    EXPECT_EQ(mc.calls[4].args, (std::vector<std::string>{"SMART_HOST", "esmtp:[relay, with comma]"}));
    EXPECT_EQ(mc.calls[6].line, 8u);
    EXPECT_EQ(mc.calls[6].args.size(), 3u);
    EXPECT_EQ(mc.calls[12].line, 20u);
    ASSERT_EQ(mc.sections.size(), 2u);
    EXPECT_EQ(mc.sections[0].name, "LOCAL_RULE_0");
    ASSERT_EQ(mc.sections[0].lines.size(), 1u);
    EXPECT_EQ(mc.sections[0].lines[0].first, 16u);
    EXPECT_EQ(mc.sections[1].lines[0].second, "Kmymap hash /etc/mail/mymap");
}

TEST(McReader, PlanListsEveryFeatureAndHandWrittenLine) {
    Plan plan;
    describe_mc(parse_mc(kMc, "sendmail.mc"), plan);
    std::string out = plan.render();
    for (const char* s : {"sendmail.mc:7\tFEATURE(virtusertable, hash -o /etc/mail/virtusertable)",
                          "sendmail.mc:8\tFEATURE(ldap_routing", "sendmail.mc:11\tVIRTUSER_DOMAIN(virt.example.test)",
                          "sendmail.mc:12\tGENERICS_DOMAIN_FILE", "sendmail.mc:13\tLDAPROUTE_DOMAIN",
                          "not converted\tsendmail.mc:16\tLOCAL_RULE_0: R$*", "sendmail.mc:19\tLOCAL_CONFIG: Kmymap"})
        EXPECT_NE(out.find(s), std::string::npos) << s << "\n" << out;
}

TEST(McReader, UnclosedCallIsReported) {
    McFile mc = parse_mc("FEATURE(`x'\n", "a.mc");
    ASSERT_EQ(mc.errors.size(), 1u);
    EXPECT_EQ(mc.errors[0].first, 1u);
}

}  // namespace
}  // namespace postern::migrate
