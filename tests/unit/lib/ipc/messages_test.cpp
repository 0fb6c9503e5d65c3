#include "lib/ipc/messages.hpp"

#include <gtest/gtest.h>

namespace postern::ipc {
namespace {

// Encode as send_msg would (header + body), then decode from the wire form.
template <class M>
AttrList framed(const M& msg) {
    AttrList list;
    list.add("type", M::kType).add_int("version", kProtocolVersion);
    const AttrList body = msg.to_attrs();  // named: items() of a temporary would dangle
    for (const auto& [n, v] : body.items()) list.add(n, v);
    auto decoded = decode_payload(encode_payload(list), Limits{});
    EXPECT_TRUE(decoded.ok());
    return decoded.ok() ? *decoded : AttrList{};
}

template <class M>
M round_trip(const M& msg) {
    auto back = decode_msg<M>(framed(msg), Limits{});
    EXPECT_TRUE(back.ok()) << back.error().message;
    return back.ok() ? *back : M{};
}

// A copy of list with attribute `name` replaced by value (or removed/added).
AttrList edited(const AttrList& list, const std::string& name, const std::string* value, bool append = false) {
    AttrList out;
    for (const auto& [n, v] : list.items()) {
        if (n != name) out.add(n, v);
        else if (value) out.add(n, *value);
    }
    if (append && value) out.add(name, *value);
    return out;
}

CleanupOpen sample_open() {
    CleanupOpen m;
    m.origin = "smtpd";
    m.sender = "alice@example.org";
    m.full_name = "Alice Example";
    m.uid = 1001;
    m.extract_recipients = true;
    m.recipients = {"bob@example.org", "carol@example.net"};
    m.client_name = "mx.example.org";
    m.client_addr = "192.0.2.1";
    m.helo = "mx.example.org";
    return m;
}

TEST(MessagesTest, CleanupOpenRoundTrips) {
    CleanupOpen m = sample_open();
    CleanupOpen back = round_trip(m);
    EXPECT_EQ(back.origin, m.origin);
    EXPECT_EQ(back.sender, m.sender);
    EXPECT_EQ(back.full_name, m.full_name);
    EXPECT_EQ(back.uid, m.uid);
    EXPECT_EQ(back.extract_recipients, true);
    EXPECT_EQ(back.recipients, m.recipients);
    EXPECT_EQ(back.client_name, m.client_name);
    EXPECT_EQ(back.client_addr, m.client_addr);
    EXPECT_EQ(back.helo, m.helo);
}

TEST(MessagesTest, CleanupOpenWithNullSenderAndNoRecipients) {
    CleanupOpen m;
    m.origin = "pickup";
    CleanupOpen back = round_trip(m);
    EXPECT_EQ(back.sender, "");
    EXPECT_TRUE(back.recipients.empty());
    EXPECT_FALSE(back.extract_recipients);
    EXPECT_EQ(back.uid, -1);
}

TEST(MessagesTest, CleanupDataAndEndRoundTrip) {
    CleanupData d;
    d.data = std::string("line\n\0binary\xff", 13);
    EXPECT_EQ(round_trip(d).data, d.data);
    (void)round_trip(CleanupEnd{});
}

TEST(MessagesTest, CleanupReplyRoundTripsEveryStatus) {
    for (auto status : {CleanupReply::Status::Ok, CleanupReply::Status::TempFail, CleanupReply::Status::PermFail}) {
        CleanupReply m;
        m.status = status;
        m.queue_id = "4F2A1B3C9D";
        m.dsn = "4.3.0";
        m.reason = "queue file write error";
        CleanupReply back = round_trip(m);
        EXPECT_EQ(back.status, status);
        EXPECT_EQ(back.queue_id, m.queue_id);
        EXPECT_EQ(back.dsn, m.dsn);
        EXPECT_EQ(back.reason, m.reason);
    }
}

TEST(MessagesTest, DeliverRequestRoundTripsNestedRecipients) {
    DeliverRequest m;
    m.queue_id = "ABCDEF";
    m.queue_file = "active/ABCDEF";
    m.sender = "";
    m.nexthop = "example.org";
    m.recipients = {{"bob@example.org", "rfc822;bob@example.org", "SUCCESS,FAILURE", 120},
                    {"carol@example.org", "", "", 240}};
    DeliverRequest back = round_trip(m);
    EXPECT_EQ(back.queue_id, m.queue_id);
    EXPECT_EQ(back.queue_file, m.queue_file);
    EXPECT_EQ(back.nexthop, m.nexthop);
    ASSERT_EQ(back.recipients.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(back.recipients[i].address, m.recipients[i].address);
        EXPECT_EQ(back.recipients[i].orcpt, m.recipients[i].orcpt);
        EXPECT_EQ(back.recipients[i].notify, m.recipients[i].notify);
        EXPECT_EQ(back.recipients[i].offset, m.recipients[i].offset);
    }
}

TEST(MessagesTest, DeliverReplyRoundTripsEveryStatus) {
    DeliverReply m;
    m.results = {{10, RecipientResult::Status::Delivered, "2.0.0", "delivered to maildir"},
                 {20, RecipientResult::Status::Deferred, "4.2.0", "mailbox locked"},
                 {30, RecipientResult::Status::Bounced, "5.1.1", "unknown user"}};
    DeliverReply back = round_trip(m);
    ASSERT_EQ(back.results.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(back.results[i].offset, m.results[i].offset);
        EXPECT_EQ(back.results[i].status, m.results[i].status);
        EXPECT_EQ(back.results[i].dsn, m.results[i].dsn);
        EXPECT_EQ(back.results[i].reason, m.results[i].reason);
    }
}

TEST(MessagesTest, PeekTypeDoesNotConsume) {
    AttrList list = framed(CleanupEnd{});
    EXPECT_EQ(peek_type(list), "cleanup_end");
    EXPECT_EQ(peek_type(AttrList{}), "");
    EXPECT_TRUE(decode_msg<CleanupEnd>(list, Limits{}).ok());
}

struct EditCase {
    const char* label;
    std::string name;
    std::optional<std::string> value;  // nullopt: remove
    bool append;
    std::string want;
};

TEST(MessagesTest, CorruptCleanupOpenIsRejectedWithTheReason) {
    const AttrList good = framed(sample_open());
    const EditCase cases[] = {
        {"wrong type", "type", "cleanup_data", false, "unexpected message type \"cleanup_data\", expected cleanup_open"},
        {"wrong version", "version", "2", false, "unsupported protocol version 2"},
        {"missing version", "version", std::nullopt, false, "missing attribute version"},
        {"missing type", "type", std::nullopt, false, "missing attribute type"},
        {"missing sender", "sender", std::nullopt, false, "missing attribute sender"},
        {"repeated sender", "sender", "mallory@example.org", true, "attribute sender repeated"},
        {"unknown attribute", "evil", "1", true, "unknown attribute evil"},
        {"uid not a number", "uid", "root", false, "attribute uid: not a number"},
        {"bool not 0/1", "extract_recipients", "yes", false, "attribute extract_recipients: not 0 or 1"},
    };
    for (const auto& c : cases) {
        const std::string* v = c.value ? &*c.value : nullptr;
        auto r = decode_msg<CleanupOpen>(edited(good, c.name, v, c.append), Limits{});
        ASSERT_FALSE(r.ok()) << c.label;
        EXPECT_EQ(r.error().message, c.want) << c.label;
    }
}

TEST(MessagesTest, UnknownStatusWordsAreRejected) {
    CleanupReply reply;
    std::string bogus = "okay";
    auto r = decode_msg<CleanupReply>(edited(framed(reply), "status", &bogus), Limits{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "attribute status: unknown value \"okay\"");

    DeliverReply dr;
    dr.results = {{1, RecipientResult::Status::Delivered, "2.0.0", "ok"}};
    AttrList inner;
    inner.add("offset", "1").add("status", "lost").add("dsn", "2.0.0").add("reason", "x");
    AttrList body;
    body.add("type", DeliverReply::kType).add_int("version", kProtocolVersion).add_list("result", inner);
    auto d = decode_msg<DeliverReply>(body, Limits{});
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.error().message, "attribute result: attribute status: unknown value \"lost\"");
}

TEST(MessagesTest, NestedRecipientWithUnknownOrMissingFieldIsRejected) {
    AttrList extra;
    extra.add("address", "a@b").add("orcpt", "").add("notify", "").add("offset", "1").add("shell", "rm");
    AttrList missing;
    missing.add("address", "a@b").add("orcpt", "").add("notify", "");
    for (const auto& [inner, want] : {std::pair{extra, std::string("attribute rcpt: unknown attribute shell")},
                                      std::pair{missing, std::string("attribute rcpt: missing attribute offset")}}) {
        AttrList body;
        body.add("type", DeliverRequest::kType).add_int("version", kProtocolVersion);
        body.add("queue_id", "Q").add("queue_file", "active/Q").add("sender", "").add("nexthop", "x");
        body.add_list("rcpt", inner);
        auto r = decode_msg<DeliverRequest>(body, Limits{});
        ASSERT_FALSE(r.ok()) << want;
        EXPECT_EQ(r.error().message, want);
    }
}

TEST(MessagesTest, CleanupEndWithStrayAttributeIsRejected) {
    std::string v = "1";
    auto r = decode_msg<CleanupEnd>(edited(framed(CleanupEnd{}), "data", &v, true), Limits{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "unknown attribute data");
}

}  // namespace
}  // namespace postern::ipc
