// sendmail -q: option forms and message selection.
#include <gtest/gtest.h>

#include "sendmail_flush.hpp"
#include "sendmail_options.hpp"
#include "sendmail_queue_args.hpp"

namespace postern::sendmail {
namespace {

struct QCase {
    std::vector<std::string> args;
    bool ok;
    std::vector<QueueFilter> filters;
    long long interval;
};

TEST(SendmailQueueRun, OptionForms) {
    const QCase cases[] = {
        {{"sendmail", "-q"}, true, {}, 0},
        {{"sendmail", "-q30m"}, true, {}, 1800},
        {{"sendmail", "-q1h30m"}, true, {}, 5400},
        {{"sendmail", "-q15"}, true, {}, 900},  // sendmail's default unit is minutes
        {{"sendmail", "-qp5m"}, true, {}, 300},
        {{"sendmail", "-qp"}, true, {}, 0},
        {{"sendmail", "-qf"}, true, {}, 0},
        {{"sendmail", "-qRexample.org"}, true, {{'R', false, "example.org"}}, 0},
        {{"sendmail", "-qR", "example.org"}, true, {{'R', false, "example.org"}}, 0},
        {{"sendmail", "-q!Rexample.org"}, true, {{'R', true, "example.org"}}, 0},
        {{"sendmail", "-qSalice"}, true, {{'S', false, "alice"}}, 0},
        {{"sendmail", "-q!Salice", "-qI1PJ4"}, true, {{'S', true, "alice"}, {'I', false, "1PJ4"}}, 0},
        {{"sendmail", "-qR"}, false, {}, 0},
        {{"sendmail", "-q!"}, false, {}, 0},
        {{"sendmail", "-qX"}, false, {}, 0},
        {{"sendmail", "-q5x"}, false, {}, 0},
        {{"sendmail", "-q99999w"}, false, {}, 0},
    };
    for (const auto& c : cases) {
        auto r = parse_args(c.args);
        ASSERT_EQ(!r.error, c.ok) << c.args[1];
        if (!c.ok) continue;
        EXPECT_EQ(r.options.mode, Mode::FlushQueue) << c.args[1];
        EXPECT_EQ(r.options.queue_filters, c.filters) << c.args[1];
        EXPECT_EQ(r.options.queue_interval, c.interval) << c.args[1];
    }
}

TEST(SendmailQueueRun, SelectionMatchesPendingRecipientsSenderOrId) {
    queue::Envelope env;
    env.sender = "Alice@Example.org";
    env.recipients = {{"bob@one.test", "", "", queue::RcptStatus::Pending, 0},
                      {"carol@two.test", "", "", queue::RcptStatus::Delivered, 0}};
    auto sel = [&](char kind, bool negate, std::string match) {
        return queue_selected({QueueFilter{kind, negate, std::move(match)}}, "ID1", env);
    };
    EXPECT_TRUE(sel('R', false, "ONE.test"));
    EXPECT_FALSE(sel('R', false, "two.test"));  // already delivered
    EXPECT_TRUE(sel('R', true, "two.test"));
    EXPECT_TRUE(sel('S', false, "alice@"));
    EXPECT_FALSE(sel('S', false, "bob"));
    EXPECT_FALSE(sel('S', true, "alice"));
    EXPECT_TRUE(sel('I', false, "d1"));
    EXPECT_TRUE(queue_selected({}, "ID1", env));
    // Several filters must all match.
    EXPECT_FALSE(queue_selected({{'R', false, "one"}, {'S', false, "bob"}}, "ID1", env));
    EXPECT_TRUE(queue_selected({{'R', false, "one"}, {'S', false, "alice"}}, "ID1", env));
}

}  // namespace
}  // namespace postern::sendmail
