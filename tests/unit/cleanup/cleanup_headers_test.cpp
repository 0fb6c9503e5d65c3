#include "cleanup_headers.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace postern::cleanup {
namespace {

// Feed text in chunks of `chunk` bytes; returns headers and the body bytes
// in the order the session would write them (held body, then the rest).
struct Split {
    Headers headers;
    std::string separator;
    std::string body;
};

Split split(std::string_view text, std::size_t limit, std::size_t chunk = 7) {
    HeaderReader r(limit);
    Split out;
    std::string later;  // body bytes returned by feed() after the header ended
    for (std::size_t i = 0; i < text.size(); i += chunk) {
        bool was_done = r.done();
        std::string_view rest = r.feed(text.substr(i, chunk));
        if (was_done) later += std::string(text.substr(i, chunk));
        else later += rest;
    }
    r.finish();
    out.headers = r.headers();
    out.separator = std::string(r.separator());
    out.body = r.held_body() + later;
    return out;
}

std::string joined(const Headers& h) {
    std::string s;
    for (const auto& x : h) s += x.raw;
    return s;
}

std::vector<std::string> names(const Headers& h) {
    std::vector<std::string> n;
    for (const auto& x : h) n.push_back(x.name);
    return n;
}

TEST(HeaderReaderTest, FoldedHeadersAndBlankLine) {
    auto s = split("Subject: hello\n\tworld\nTo: a@b,\n  c@d\n\nbody\n", 1024);
    EXPECT_EQ(names(s.headers), (std::vector<std::string>{"Subject", "To"}));
    EXPECT_EQ(s.headers[0].raw, "Subject: hello\n\tworld\n");
    EXPECT_EQ(s.headers[1].value(), " a@b,\n  c@d");
    EXPECT_EQ(s.separator, "\n");
    EXPECT_EQ(s.body, "body\n");
}

TEST(HeaderReaderTest, SameResultWhateverTheChunkSize) {
    std::string text = "A: 1\nB: 2\n\tcont\nC : obsolete\n\nbody\nmore\n";
    auto whole = split(text, 1024, text.size());
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 11u}) {
        auto s = split(text, 1024, chunk);
        EXPECT_EQ(joined(s.headers), joined(whole.headers)) << chunk;
        EXPECT_EQ(s.body, whole.body) << chunk;
    }
    EXPECT_EQ(names(whole.headers), (std::vector<std::string>{"A", "B", "C"}));
}

TEST(HeaderReaderTest, NonHeaderLineStartsTheBodyWithASeparator) {
    auto s = split("Subject: x\nthis is body text\nline 2\n", 1024);
    EXPECT_EQ(names(s.headers), std::vector<std::string>{"Subject"});
    EXPECT_EQ(s.separator, "\n");
    EXPECT_EQ(s.body, "this is body text\nline 2\n");
}

TEST(HeaderReaderTest, NoHeadersAtAll) {
    auto s = split("hello\n", 1024);
    EXPECT_TRUE(s.headers.empty());
    EXPECT_EQ(s.body, "hello\n");
    EXPECT_EQ(s.separator, "\n");
}

TEST(HeaderReaderTest, MboxFromLineIsNotAHeader) {
    auto s = split("From alice Mon Jan  1 00:00:00 2024\nSubject: x\n\n", 1024);
    EXPECT_TRUE(s.headers.empty());
    EXPECT_EQ(s.body, "From alice Mon Jan  1 00:00:00 2024\nSubject: x\n\n");
}

TEST(HeaderReaderTest, HeadersOnlyGetNoSeparator) {
    auto s = split("Subject: x\nTo: y", 1024);
    EXPECT_EQ(joined(s.headers), "Subject: x\nTo: y\n");
    EXPECT_EQ(s.separator, "");
    EXPECT_EQ(s.body, "");
}

TEST(HeaderReaderTest, UnterminatedBodyLineKeptAsIs) {
    auto s = split("Subject: x\n\nno newline", 1024);
    EXPECT_EQ(s.body, "no newline");
}

TEST(HeaderReaderTest, HeaderSizeLimitExactlyIsAllHeader) {
    std::string h1 = "A: " + std::string(10, 'x') + "\n";  // 14 bytes
    std::string h2 = "B: " + std::string(10, 'y') + "\n";
    auto s = split(h1 + h2 + "\nbody\n", 28);
    EXPECT_EQ(names(s.headers), (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(s.body, "body\n");
}

TEST(HeaderReaderTest, HeaderSizeLimitPlusOneGoesToBodyLosingNothing) {
    std::string h1 = "A: " + std::string(10, 'x') + "\n";
    std::string h2 = "B: " + std::string(10, 'y') + "\n";
    std::string rest = "\nbody\n";
    for (std::size_t chunk : {1u, 4u, 100u}) {
        auto s = split(h1 + h2 + rest, 27, chunk);
        EXPECT_EQ(names(s.headers), std::vector<std::string>{"A"}) << chunk;
        EXPECT_EQ(s.separator, "\n");
        EXPECT_EQ(joined(s.headers) + s.body, h1 + h2 + rest) << chunk;
    }
}

TEST(HeaderReaderTest, OverLongHeaderLineIsKeptWhole) {
    std::string longline = "X-Long: " + std::string(5000, 'z') + "\n";
    auto s = split(longline + "\nbody\n", 8192, 100);
    ASSERT_EQ(s.headers.size(), 1u);
    EXPECT_EQ(s.headers[0].raw, longline);
}

// --- rules ---

MessageInfo info_for(std::string origin) {
    MessageInfo i;
    i.origin = std::move(origin);
    i.queue_id = "4Q0ABCDEFGHJK";
    i.myhostname = "mx.example.org";
    i.sender = "alice@example.org";
    i.full_name = "Alice Smith";
    i.uid = 1000;
    i.helo = "client.example";
    i.client_name = "client.example.net";
    i.client_addr = "192.0.2.7";
    i.recipients = {"bob@example.net"};
    i.now = 1700000000;
    return i;
}

Headers parse(std::string_view text) { return split(text, 65536, 1000).headers; }

struct RuleCase {
    const char* label;
    const char* origin;
    const char* input;
    std::vector<std::string> want;  // header names after the rules, in order
};

TEST(HeaderRulesTest, TableOfAddsAndRemoves) {
    const std::vector<RuleCase> cases = {
        {"local: Date, Message-ID, From added when missing", "pickup", "Subject: s\n\n",
         {"Received", "Subject", "Date", "Message-ID", "From"}},
        {"local: nothing added when all present", "pickup",
         "From: a@b\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMessage-ID: <x@y>\n\n",
         {"Received", "From", "Date", "Message-ID"}},
        {"local: header names match without case", "pickup", "FROM: a@b\ndate: x\nmessage-id: <x@y>\n\n",
         {"Received", "FROM", "date", "message-id"}},
        {"smtpd: nothing but Received added", "smtpd", "Subject: s\n\n", {"Received", "Subject"}},
        {"Bcc removed", "smtpd", "To: a@b\nBcc: c@d,\n e@f\nSubject: s\n\n", {"Received", "To", "Subject"}},
        {"Resent-Bcc removed", "smtpd", "Resent-To: a@b\nresent-bcc: c@d\n\n", {"Received", "Resent-To"}},
        {"Received goes on top of existing ones", "smtpd", "Received: from a\nReceived: from b\n\n",
         {"Received", "Received", "Received"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.label);
        Headers h = parse(c.input);
        apply_header_rules(h, info_for(c.origin));
        EXPECT_EQ(names(h), c.want);
    }
}

TEST(HeaderRulesTest, PresentHeadersAreUntouchedBytes) {
    std::string in = "From:   odd  spacing <a@b>\nDate: whatever\r\nMessage-ID:<no-space@x>\n\n";
    Headers h = parse(in);
    std::string before = joined(h);
    apply_header_rules(h, info_for("pickup"));
    h.erase(h.begin());  // our Received
    EXPECT_EQ(joined(h), before);
}

TEST(HeaderRulesTest, LocalReceivedNamesUidAndQueueId) {
    Header r = make_received(info_for("pickup"));
    EXPECT_TRUE(std::regex_match(r.raw, std::regex("Received: by mx\\.example\\.org \\(postern, from userid 1000\\)\n"
                                                   "\tid 4Q0ABCDEFGHJK; [A-Z][a-z]{2}, \\d\\d [A-Z][a-z]{2} 2023 "
                                                   "\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\n")))
        << r.raw;
}

TEST(HeaderRulesTest, SmtpReceivedHasForOnlyWithOneRecipient) {
    auto one = info_for("smtpd");
    std::string r1 = make_received(one).raw;
    EXPECT_EQ(r1.rfind("Received: from client.example (client.example.net [192.0.2.7])\n"
                       "\tby mx.example.org (postern) with ESMTP id 4Q0ABCDEFGHJK\n\tfor <bob@example.net>; ",
                       0),
              0u)
        << r1;
    auto two = one;
    two.recipients.push_back("carol@example.net");
    EXPECT_EQ(make_received(two).raw.find("for <"), std::string::npos);
}

TEST(HeaderRulesTest, InsertedValuesCannotInjectHeaders) {
    auto i = info_for("smtpd");
    i.helo = "evil\nBcc: victim@x";
    std::string r = make_received(i).raw;
    EXPECT_EQ(r.find("\nBcc"), std::string::npos);
    auto local = info_for("pickup");
    local.full_name = "Mallory\nTo: x@y";
    Headers h;
    apply_header_rules(h, local);
    for (const auto& x : h) EXPECT_EQ(x.raw.find("\nTo:"), std::string::npos) << x.raw;
}

TEST(HeaderRulesTest, AddedFromUsesFullNameQuotedWhenNeeded) {
    auto i = info_for("pickup");
    Headers h;
    apply_header_rules(h, i);
    EXPECT_EQ(find_header(h, "From")->raw, "From: Alice Smith <alice@example.org>\n");
    i.full_name = "Smith, Alice";
    h.clear();
    apply_header_rules(h, i);
    EXPECT_EQ(find_header(h, "From")->raw, "From: \"Smith, Alice\" <alice@example.org>\n");
    i.full_name.clear();
    h.clear();
    apply_header_rules(h, i);
    EXPECT_EQ(find_header(h, "From")->raw, "From: alice@example.org\n");
}

TEST(HeaderRulesTest, AddedMessageIdUsesQueueIdAndHost) {
    Headers h;
    apply_header_rules(h, info_for("pickup"));
    EXPECT_TRUE(std::regex_match(message_id_of(h), std::regex("<\\d{14}\\.4Q0ABCDEFGHJK@mx\\.example\\.org>")))
        << message_id_of(h);
}

TEST(HeaderRulesTest, CountReceived) {
    EXPECT_EQ(count_received(parse("Received: a\nreceived: b\nX-Received: c\n\n")), 2u);
}

}  // namespace
}  // namespace postern::cleanup
