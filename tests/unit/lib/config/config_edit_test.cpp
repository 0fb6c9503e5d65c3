// Config::load from a directory, resolve_config_dir, and edit_main_conf
// (postern-ctl config -e): replace, append, refuse an invalid result.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "tests/unit/lib/config/config_test_util.hpp"

namespace postern::config {
namespace {

using testing::TempConfigDir;

TEST(ConfigLoad, ReadsMainConfFromTheDirectory) {
    TempConfigDir dir;
    dir.write("main.conf", "queue_directory = " + dir.path() + "/queue\n");
    auto cfg = Config::load(dir.path());
    ASSERT_TRUE(cfg.ok()) << cfg.error().message;
    EXPECT_EQ(cfg->queue_path("incoming"), dir.path() + "/queue/incoming");
    EXPECT_EQ(cfg->config_directory(), dir.path());
}

TEST(ConfigLoad, MissingFileNamesThePath) {
    TempConfigDir dir;
    auto cfg = Config::load(dir.path());
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message, dir.path() + "/main.conf: No such file or directory");
    auto missing_dir = Config::load(dir.path() + "/nope");
    ASSERT_FALSE(missing_dir.ok());
    EXPECT_EQ(missing_dir.error().message, dir.path() + "/nope/main.conf: No such file or directory");
}

TEST(ConfigLoad, ErrorsNameTheFullPath) {
    TempConfigDir dir;
    dir.write("main.conf", "# x\nfoo = 1\n");
    auto cfg = Config::load(dir.path());
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message, dir.path() + "/main.conf:2: unknown parameter \"foo\"");
}

TEST(ConfigLoad, FileOverOneMebibyteIsRefused) {
    TempConfigDir dir;
    dir.write("main.conf", std::string(1024 * 1024 + 1, '\n'));
    auto cfg = Config::load(dir.path());
    ASSERT_FALSE(cfg.ok());
    EXPECT_EQ(cfg.error().message, dir.path() + "/main.conf: file is larger than 1048576 bytes");
}

TEST(ResolveConfigDir, FlagThenEnvironmentThenDefault) {
    const char* saved = std::getenv("POSTERN_CONFIG_DIR");
    const std::string saved_value = saved != nullptr ? saved : "";
    ::setenv("POSTERN_CONFIG_DIR", "/from/env", 1);
    EXPECT_EQ(resolve_config_dir(std::string("/from/flag")), "/from/flag");
    EXPECT_EQ(resolve_config_dir(std::nullopt), "/from/env");
    ::unsetenv("POSTERN_CONFIG_DIR");
    EXPECT_EQ(resolve_config_dir(std::nullopt), "/etc/postern");
    if (saved != nullptr) ::setenv("POSTERN_CONFIG_DIR", saved_value.c_str(), 1);
}

struct EditCase {
    const char* label;
    const char* before;
    const char* name;
    const char* value;
    const char* after;
};

TEST(EditMainConf, ReplaceOrAppend) {
    const std::vector<EditCase> cases = {
        {"replace keeps comments and order", "# top\nrelayhost = a\nmyhostname = h\n", "relayhost", "[b]:25",
         "# top\nrelayhost = [b]:25\nmyhostname = h\n"},
        {"replace the last definition", "relayhost = a\nrelayhost = b\n", "relayhost", "c",
         "relayhost = a\nrelayhost = c\n"},
        {"replace drops continuation lines", "mynetworks = a,\n  b,\n\t c\nrelayhost = x\n", "mynetworks", "d",
         "mynetworks = d\nrelayhost = x\n"},
        {"comment inside a continuation stays", "mynetworks = a,\n# keep\n  b\n", "mynetworks", "d",
         "mynetworks = d\n# keep\n"},
        {"no spaces around equals", "relayhost=a\n", "relayhost", "b", "relayhost = b\n"},
        {"commented definition is not replaced", "#relayhost = a\n", "relayhost", "b",
         "#relayhost = a\nrelayhost = b\n"},
        {"append", "myhostname = h\n", "relayhost", "b", "myhostname = h\nrelayhost = b\n"},
        {"append after a missing final newline", "myhostname = h", "relayhost", "b",
         "myhostname = h\nrelayhost = b\n"},
        {"append to an empty file", "", "relayhost", "b", "relayhost = b\n"},
        {"name inside another value is not a definition", "myorigin = $relayhost\n", "relayhost", "b",
         "myorigin = $relayhost\nrelayhost = b\n"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        TempConfigDir dir;
        dir.write("main.conf", c.before);
        auto st = edit_main_conf(dir.path(), c.name, c.value);
        ASSERT_TRUE(st.ok()) << st.error().message;
        EXPECT_EQ(dir.read("main.conf"), c.after);
        auto cfg = Config::load(dir.path());
        ASSERT_TRUE(cfg.ok()) << cfg.error().message;
        EXPECT_EQ(cfg->value(c.name), c.value);
    }
}

struct RefuseCase {
    const char* label;
    const char* name;
    const char* value;
    const char* want;  // message after "DIR/main.conf"
};

TEST(EditMainConf, InvalidResultIsRefusedAndFileUnchanged) {
    const std::vector<RefuseCase> cases = {
        {"below minimum", "line_length_limit", "100", ":2: line_length_limit: 100 is below the minimum 512"},
        {"bad size", "message_size_limit", "10M", ":3: message_size_limit: invalid size \"10M\""},
        {"unknown parameter", "no_such", "1", ": unknown parameter \"no_such\""},
        {"config_directory", "config_directory", "/tmp",
         ":3: config_directory cannot be set in main.conf (use -c DIR or POSTERN_CONFIG_DIR)"},
        {"unknown reference", "relayhost", "$nosuch", ":3: relayhost: unknown parameter $nosuch in value"},
        {"newline injection", "relayhost", "a\nqueue_directory = /tmp", ": relayhost: value must be a single line"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        TempConfigDir dir;
        const std::string before = "# mine\nline_length_limit = 4096\n";
        dir.write("main.conf", before);
        ::chmod(dir.file("main.conf").c_str(), 0640);
        auto st = edit_main_conf(dir.path(), c.name, c.value);
        ASSERT_FALSE(st.ok());
        EXPECT_EQ(st.error().message, dir.path() + "/main.conf" + c.want);
        EXPECT_EQ(dir.read("main.conf"), before);
    }
}

TEST(EditMainConf, KeepsTheFileMode) {
    TempConfigDir dir;
    dir.write("main.conf", "relayhost = a\n");
    ::chmod(dir.file("main.conf").c_str(), 0640);
    ASSERT_TRUE(edit_main_conf(dir.path(), "relayhost", "b").ok());
    struct stat st {};
    ASSERT_EQ(::stat(dir.file("main.conf").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(EditMainConf, MissingMainConfIsAnError) {
    TempConfigDir dir;
    auto st = edit_main_conf(dir.path(), "relayhost", "b");
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, dir.path() + "/main.conf: No such file or directory");
}

}  // namespace
}  // namespace postern::config
