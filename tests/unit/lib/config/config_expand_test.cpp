// $name expansion in main.conf: forms, nesting, loops and bounds.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/config/config_detail.hpp"

namespace postern::config {
namespace {

Result<Config> parse(const std::string& text) { return Config::parse(text, "main.conf", "/etc/postern"); }

struct Case {
    const char* label;
    const char* text;
    const char* name;
    const char* want;  // value, or the error message when error is true
    bool error = false;
};

void run(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        auto cfg = parse(c.text);
        if (c.error) {
            ASSERT_FALSE(cfg.ok());
            EXPECT_EQ(cfg.error().message, c.want);
        } else {
            ASSERT_TRUE(cfg.ok()) << cfg.error().message;
            EXPECT_EQ(cfg->value(c.name).value_or("(none)"), c.want);
        }
    }
}

TEST(ConfigExpand, Forms) {
    run({
        {"dollar name", "myhostname = mx.example\nrelayhost = $myhostname\n", "relayhost", "mx.example"},
        {"braces", "myhostname = mx\nrelayhost = ${myhostname}.example\n", "relayhost", "mx.example"},
        {"parens", "myhostname = mx\nrelayhost = $(myhostname).example\n", "relayhost", "mx.example"},
        {"name ends at a dot", "myhostname = mx\nrelayhost = $myhostname.x\n", "relayhost", "mx.x"},
        {"double dollar is a literal dollar", "relayhost = a$$b\n", "relayhost", "a$b"},
        {"double dollar before a name", "relayhost = $$myhostname\n", "relayhost", "$myhostname"},
        {"nested", "myhostname = h.example\nmyorigin = $mydomain\nrelayhost = [$myorigin]\n", "relayhost",
         "[example]"},
        {"forward reference", "relayhost = $syslog_name\nsyslog_name = pst\n", "relayhost", "pst"},
        {"defaults refer to set values", "myhostname = mail.example.org\n", "mydestination",
         "mail.example.org, localhost.example.org, localhost"},
        {"conditional set", "myhostname = mx\nrelayhost = ${myhostname?[$myhostname]}\n", "relayhost", "[mx]"},
        {"conditional empty", "relayhost = ${maillog_file?x}\n", "relayhost", ""},
        {"else form", "relayhost = ${maillog_file:none}\n", "relayhost", "none"},
        {"many references to one value", "myhostname = h\nrelayhost = $myhostname$myhostname$myhostname\n",
         "relayhost", "hhh"},
    });
}

TEST(ConfigExpand, Errors) {
    run({
        {"unknown name", "\nrelayhost = $nosuch\n", "", "main.conf:2: relayhost: unknown parameter $nosuch in value",
         true},
        {"unknown name in braces", "relayhost = ${nosuch}\n", "",
         "main.conf:1: relayhost: unknown parameter $nosuch in value", true},
        {"unterminated brace", "relayhost = ${myhostname\n", "", "main.conf:1: relayhost: unterminated ${", true},
        {"unterminated paren", "relayhost = $(myhostname\n", "", "main.conf:1: relayhost: unterminated $(", true},
        {"empty braces", "relayhost = ${}\n", "", "main.conf:1: relayhost: invalid parameter name in ${}", true},
        {"bad name in braces", "relayhost = ${a b}\n", "", "main.conf:1: relayhost: invalid parameter name in ${a b}",
         true},
        {"dollar at end", "relayhost = a$\n", "",
         "main.conf:1: relayhost: \"$\" at end of value (write $$ for a literal $)", true},
        {"dollar before punctuation", "relayhost = $.x\n", "",
         "main.conf:1: relayhost: invalid character after \"$\": \".\" (write $$ for a literal $)", true},
        {"self reference", "relayhost = $relayhost\n", "",
         "main.conf:1: relayhost: expansion loop: $relayhost refers back to itself", true},
        {"two-step loop", "relayhost = $syslog_name\nsyslog_name = $relayhost\n", "",
         "main.conf:2: syslog_name: expansion loop: $relayhost refers back to itself", true},
        {"error inside a default's reference names the set line", "\n\nmyhostname = $bogus\n", "",
         "main.conf:3: myhostname: unknown parameter $bogus in value", true},
        {"expanded value is validated", "myhostname = 12x\nmessage_size_limit = $myhostname\n", "",
         "main.conf:2: message_size_limit: invalid size \"12x\"", true},
    });
}

// A chain p0 = $p1, p1 = $p2, ... of the given number of references.
std::string chain(int references) {
    std::vector<std::string> names;
    for (const auto& p : all_params()) {
        if ((p.type == Type::String || p.type == Type::List) && p.name != "config_directory") {
            names.emplace_back(p.name);
        }
    }
    if (static_cast<std::size_t>(references) >= names.size()) return "";
    std::string text;
    for (int i = 0; i < references; ++i) text += names[i] + " = $" + names[i + 1] + "\n";
    text += names[references] + " = end\n";
    return text;
}

TEST(ConfigExpand, NestingDepthIsBounded) {
    const std::string at_limit = chain(detail::kMaxExpansionDepth);
    const std::string over_limit = chain(detail::kMaxExpansionDepth + 1);
    if (over_limit.empty()) GTEST_SKIP() << "not enough string parameters for the chain";
    auto ok = parse(at_limit);
    EXPECT_TRUE(ok.ok()) << ok.error().message;
    auto bad = parse(over_limit);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("expansion nested deeper than 20 levels"), std::string::npos)
        << bad.error().message;
}

TEST(ConfigExpand, ConditionalNestingIsBounded) {
    std::string value;
    for (int i = 0; i < 30; ++i) value += "${myhostname?";
    value += "x" + std::string(30, '}');
    auto bad = parse("myhostname = h\nrelayhost = " + value + "\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "main.conf:2: relayhost: ${...} nested deeper than 20");
}

TEST(ConfigExpand, ExpandedSizeIsBounded) {
    // Each level doubles: 2^21 bytes from a few short lines.
    std::string text = "syslog_name = " + std::string(1024, 'x') + "\n";
    const std::vector<std::string> names = {"syslog_name", "syslog_facility", "relayhost", "mail_owner",
                                            "setgid_group", "default_privs", "myorigin", "recipient_delimiter",
                                            "local_transport", "default_transport", "mailbox_format", "maillog_file"};
    for (std::size_t i = 1; i < names.size(); ++i) {
        text += names[i] + " = $" + names[i - 1] + "$" + names[i - 1] + "\n";
    }
    auto bad = parse(text);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("bytes after expansion"), std::string::npos) << bad.error().message;
}

TEST(ConfigExpand, ForwardPathKeepsDeliveryTimeNames) {
    auto cfg = parse("forward_path = $home/.forward${recipient_delimiter}${extension}, $$home/x\n");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->value("forward_path"), "$home/.forward+${extension}, $$home/x");
    auto bad = parse("forward_path = $homer/.forward\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "main.conf:1: forward_path: unknown parameter $homer in value");
    auto elsewhere = parse("relayhost = $home\n");
    EXPECT_FALSE(elsewhere.ok()) << "delivery-time names only in forward_path";
}

TEST(ConfigExpand, ComputedHostAndDomain) {
    auto cfg = parse("myhostname = mail.example.org\n");
    ASSERT_TRUE(cfg.ok());
    EXPECT_EQ(cfg->value("mydomain"), "example.org");
    auto single = parse("myhostname = gateway\n");
    ASSERT_TRUE(single.ok());
    EXPECT_EQ(single->value("mydomain"), "localdomain");
    EXPECT_EQ(single->value("myorigin"), "gateway");

    auto system = parse("");
    ASSERT_TRUE(system.ok());
    EXPECT_EQ(system->value("myhostname"), detail::system_hostname()) << "no domain is invented";
    EXPECT_FALSE(system->value("mydomain")->empty());
    auto set_domain = parse("mydomain = example.net\n");
    ASSERT_TRUE(set_domain.ok());
    EXPECT_EQ(set_domain->value("mydomain"), "example.net");
}

}  // namespace
}  // namespace postern::config
