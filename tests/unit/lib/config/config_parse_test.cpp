// main.conf syntax, value types and bounds, and the "file:line: message"
// errors an admin sees.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/config/config_detail.hpp"

namespace postern::config {
namespace {

Result<Config> parse(const std::string& text) { return Config::parse(text, "main.conf", "/etc/postern"); }

std::string error_of(const std::string& text) {
    auto r = parse(text);
    return r.ok() ? std::string("(no error)") : r.error().message;
}

struct ValueCase {
    const char* label;
    const char* text;
    const char* name;
    const char* want;  // effective value
};

TEST(ConfigParse, SyntaxCases) {
    const std::vector<ValueCase> cases = {
        {"plain", "relayhost = mx.example.org\n", "relayhost", "mx.example.org"},
        {"no spaces", "relayhost=mx.example.org\n", "relayhost", "mx.example.org"},
        {"trailing white space", "relayhost =  mx  \t\n", "relayhost", "mx"},
        {"empty value", "relayhost =\n", "relayhost", ""},
        {"no final newline", "relayhost = a", "relayhost", "a"},
        {"crlf line ends", "relayhost = a\r\n", "relayhost", "a"},
        {"continuation joins with a space", "mynetworks = 10.0.0.0/8,\n  192.168.0.0/16\n", "mynetworks",
         "10.0.0.0/8, 192.168.0.0/16"},
        {"tab continuation", "mynetworks = a\n\tb\n", "mynetworks", "a b"},
        {"comment and blank inside continuation", "mynetworks = a\n# note\n\n  b\n", "mynetworks", "a b"},
        {"comment line", "# relayhost = x\nrelayhost = y\n", "relayhost", "y"},
        {"indented comment", "  # comment\nrelayhost = y\n", "relayhost", "y"},
        {"hash inside a value is kept", "relayhost = a#b\n", "relayhost", "a#b"},
        {"later definition wins", "relayhost = a\nrelayhost = b\n", "relayhost", "b"},
        {"equals sign in value", "relayhost = a=b\n", "relayhost", "a=b"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        auto cfg = parse(c.text);
        ASSERT_TRUE(cfg.ok()) << cfg.error().message;
        EXPECT_EQ(cfg->value(c.name).value_or("(none)"), c.want);
    }
}

struct ErrorCase {
    const char* label;
    const char* text;
    const char* want;
};

TEST(ConfigParse, ErrorsNameFileAndLine) {
    const std::vector<ErrorCase> cases = {
        {"missing equals", "\nrelayhost mx\n", "main.conf:2: missing '=' after parameter name"},
        {"missing name", "= x\n", "main.conf:1: missing parameter name before '='"},
        {"unknown parameter", "foo = bar\n", "main.conf:1: unknown parameter \"foo\""},
        {"config_directory refused", "config_directory = /tmp\n",
         "main.conf:1: config_directory cannot be set in main.conf (use -c DIR or POSTERN_CONFIG_DIR)"},
        {"continuation first", "  relayhost = x\n", "main.conf:1: continuation line without a preceding line"},
        {"bad size", "message_size_limit = 12x\n", "main.conf:1: message_size_limit: invalid size \"12x\""},
        {"below minimum", "line_length_limit = 100\n",
         "main.conf:1: line_length_limit: 100 is below the minimum 512"},
        {"above maximum", "hopcount_limit = 1001\n", "main.conf:1: hopcount_limit: 1001 is above the maximum 1000"},
        {"bad integer", "hopcount_limit = 5o\n", "main.conf:1: hopcount_limit: invalid integer \"5o\""},
        {"bad boolean", "user_instance = maybe\n",
         "main.conf:1: user_instance: invalid boolean \"maybe\" (want yes or no)"},
        {"bad time", "ipc_timeout = 5y\n", "main.conf:1: ipc_timeout: invalid time \"5y\""},
        {"time above maximum", "ipc_timeout = 2d\n", "main.conf:1: ipc_timeout: 172800s is above the maximum 86400s"},
        {"line after continuation lines", "mynetworks = a,\n  b,\n  c\nbogus\n",
         "main.conf:4: missing '=' after parameter name"},
        {"value error reports first line of a continued entry", "# c\nline_length_limit =\n  100\n",
         "main.conf:2: line_length_limit: 100 is below the minimum 512"},
        {"bad value reported at the line that wins", "hopcount_limit = 20\n\nhopcount_limit = 2\n",
         "main.conf:3: hopcount_limit: 2 is below the minimum 10"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        EXPECT_EQ(error_of(c.text), c.want);
    }
}

struct TimeCase {
    const char* text;
    long long seconds;
};

TEST(ConfigValues, TimeUnits) {
    const std::vector<TimeCase> ok = {{"0", 0}, {"300", 300}, {"300s", 300}, {"5m", 300}, {"1h", 3600},
                                      {"5d", 432000}, {"1w", 604800}};
    for (const auto& c : ok) {
        SCOPED_TRACE(c.text);
        auto t = parse_time(c.text);
        ASSERT_TRUE(t.ok());
        EXPECT_EQ(t->count(), c.seconds);
    }
    for (const char* bad : {"", "s", "-1", "+1", "1.5h", "1 h", "1H", "1y", "10ss", "99999999999999999999w"}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(parse_time(bad).ok());
    }
}

TEST(ConfigValues, SizesArePlainDecimalBytes) {
    EXPECT_EQ(*parse_size("0"), 0u);
    EXPECT_EQ(*parse_size("10240000"), 10240000u);
    EXPECT_EQ(*parse_size("18446744073709551615"), 18446744073709551615u);
    for (const char* bad : {"", "10k", "1M", "-5", "+5", " 5", "18446744073709551616", "1e6"}) {
        SCOPED_TRACE(bad);
        EXPECT_FALSE(parse_size(bad).ok());
    }
}

TEST(ConfigValues, BooleansInAnyCase) {
    for (const char* t : {"yes", "YES", "true", "True", "1"}) EXPECT_TRUE(*parse_bool(t)) << t;
    for (const char* f : {"no", "No", "false", "FALSE", "0"}) EXPECT_FALSE(*parse_bool(f)) << f;
    for (const char* bad : {"", "y", "n", "on", "2", "yes "}) EXPECT_FALSE(parse_bool(bad).ok()) << bad;
}

TEST(ConfigValues, ListsSplitOnCommasAndWhiteSpace) {
    auto cfg = parse("mydestination = a.example, b.example  c.example,,d.example\n");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->get(params::mydestination),
              (std::vector<std::string>{"a.example", "b.example", "c.example", "d.example"}));
}

// Every bounded parameter: min-1 and max+1 refused, min and max accepted.
TEST(ConfigBounds, EveryBoundedParameterAtItsLimits) {
    for (const auto& p : all_params()) {
        if (p.type != Type::Int && p.type != Type::Time && p.type != Type::Size) continue;
        const std::string name(p.name);
        SCOPED_TRACE(name);
        EXPECT_TRUE(parse(name + " = " + std::to_string(p.min) + "\n").ok());
        EXPECT_TRUE(parse(name + " = " + std::to_string(p.max) + "\n").ok());
        EXPECT_FALSE(parse(name + " = " + std::to_string(p.max + 1) + "\n").ok());
        if (p.min > 0) {
            EXPECT_EQ(error_of(name + " = " + std::to_string(p.min - 1) + "\n"),
                      "main.conf:1: " + name + ": " + std::to_string(p.min - 1) + (p.type == Type::Time ? "s" : "") +
                          " is below the minimum " + std::to_string(p.min) + (p.type == Type::Time ? "s" : ""));
        }
    }
}

TEST(ConfigBounds, TypedAccessorsReturnTheConvertedValue) {
    auto cfg = parse("line_length_limit = 513\nipc_timeout = 2h\nheader_size_limit = 1025\nuser_instance = yes\n");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->get(params::line_length_limit), 513);
    EXPECT_EQ(cfg->get(params::ipc_timeout), std::chrono::seconds{7200});
    EXPECT_EQ(cfg->get(params::header_size_limit), 1025u);
    EXPECT_TRUE(cfg->get(params::user_instance));
}

TEST(ConfigFile, LargerThanOneMebibyteIsRefused) {
    std::string text = "relayhost = x\n";
    text += "#" + std::string(detail::kMaxConfigBytes - text.size() - 2, 'x') + "\n";
    ASSERT_EQ(text.size(), detail::kMaxConfigBytes);
    EXPECT_TRUE(parse(text).ok());
    text += "\n";
    EXPECT_EQ(error_of(text), "main.conf: file is larger than 1048576 bytes");
}

TEST(ConfigFile, TooManyLinesIsRefused) {
    std::string text(detail::kMaxConfigLines, '\n');
    EXPECT_TRUE(parse(text).ok());
    text += "\n";
    EXPECT_EQ(error_of(text), "main.conf: more than 65536 lines");
}

TEST(ConfigRaw, RawIsTheUnexpandedTextAndIsSetTracksMainConf) {
    auto cfg = parse("myhostname = mx.example.org\nmyorigin = $mydomain\n");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->raw("myorigin"), "$mydomain");
    EXPECT_EQ(cfg->value("myorigin"), "example.org");
    EXPECT_TRUE(cfg->is_set("myorigin"));
    EXPECT_FALSE(cfg->is_set("relayhost"));
    EXPECT_EQ(cfg->raw("relayhost"), std::nullopt);
    EXPECT_EQ(cfg->value("no_such"), std::nullopt);
}

TEST(ConfigSet, OverrideValidatesAndReexpands) {
    auto cfg = parse("myhostname = a.example\n");
    ASSERT_TRUE(cfg.ok());
    EXPECT_EQ(cfg->get(params::myorigin), "a.example");
    ASSERT_TRUE(cfg->set("myhostname", "b.example").ok());
    EXPECT_EQ(cfg->get(params::myorigin), "b.example");
    auto bad = cfg->set("line_length_limit", "10");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message, "line_length_limit: 10 is below the minimum 512");
    EXPECT_EQ(cfg->get(params::line_length_limit), 2048);
    EXPECT_FALSE(cfg->set("nope", "1").ok());
    EXPECT_FALSE(cfg->set("config_directory", "/tmp").ok());
}

TEST(ConfigPaths, QueuePathAndConfigDirectory) {
    auto cfg = Config::parse("queue_directory = /var/q\n", "main.conf", "/etc/p$x");
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->queue_path("maildrop"), "/var/q/maildrop");
    EXPECT_EQ(cfg->config_directory(), "/etc/p$x") << "the -c directory is taken literally";
}

}  // namespace
}  // namespace postern::config
