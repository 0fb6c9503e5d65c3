// sendmail -q: option forms and message selection.
#include <gtest/gtest.h>

#include "sendmail_flush.hpp"
#include "sendmail_options.hpp"

namespace postern::sendmail {
namespace {

struct QCase {
    std::vector<std::string> args;
    bool ok;
    char select;
    std::string match;
};

TEST(SendmailQueueRun, OptionForms) {
    const QCase cases[] = {
        {{"sendmail", "-q"}, true, 0, ""},
        {{"sendmail", "-q30m"}, true, 0, ""},
        {{"sendmail", "-qRexample.org"}, true, 'R', "example.org"},
        {{"sendmail", "-qR", "example.org"}, true, 'R', "example.org"},
        {{"sendmail", "-qSalice"}, true, 'S', "alice"},
        {{"sendmail", "-qI1PJ4"}, true, 'I', "1PJ4"},
        {{"sendmail", "-qR"}, false, 0, ""},
        {{"sendmail", "-qX"}, false, 0, ""},
    };
    for (const auto& c : cases) {
        auto r = parse_args(c.args);
        ASSERT_EQ(!r.error, c.ok) << c.args[1];
        if (!c.ok) continue;
        EXPECT_EQ(r.options.mode, Mode::FlushQueue) << c.args[1];
        EXPECT_EQ(r.options.queue_select, c.select) << c.args[1];
        EXPECT_EQ(r.options.queue_match, c.match) << c.args[1];
    }
}

TEST(SendmailQueueRun, SelectionMatchesPendingRecipientsSenderOrId) {
    queue::Envelope env;
    env.sender = "Alice@Example.org";
    env.recipients = {{"bob@one.test", "", "", queue::RcptStatus::Pending, 0},
                      {"carol@two.test", "", "", queue::RcptStatus::Delivered, 0}};
    EXPECT_TRUE(queue_selected('R', "ONE.test", "ID1", env));
    EXPECT_FALSE(queue_selected('R', "two.test", "ID1", env));  // already delivered
    EXPECT_TRUE(queue_selected('S', "alice@", "ID1", env));
    EXPECT_FALSE(queue_selected('S', "bob", "ID1", env));
    EXPECT_TRUE(queue_selected('I', "d1", "ID1", env));
    EXPECT_TRUE(queue_selected(0, "", "ID1", env));
}

}  // namespace
}  // namespace postern::sendmail
