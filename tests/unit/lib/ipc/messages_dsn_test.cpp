// The optional RFC 3461 attributes of CleanupOpen (NOTIFY/ORCPT per
// recipient, RET, ENVID): round trip, absence, and a list that does not
// match the recipients.
#include <gtest/gtest.h>

#include "lib/ipc/messages.hpp"

namespace postern::ipc {
namespace {

Result<CleanupOpen> through_wire(const CleanupOpen& m) {
    AttrList list;
    list.add("type", CleanupOpen::kType).add_int("version", kProtocolVersion);
    const AttrList body = m.to_attrs();
    for (const auto& [n, v] : body.items()) list.add(n, v);
    auto decoded = decode_payload(encode_payload(list), Limits{});
    if (!decoded) return decoded.error();
    return decode_msg<CleanupOpen>(*decoded, Limits{});
}

CleanupOpen base() {
    CleanupOpen m;
    m.origin = "smtpd";
    m.sender = "a@example.org";
    m.recipients = {"b@example.org", "c@example.org"};
    return m;
}

TEST(CleanupOpenDsn, RoundTrips) {
    CleanupOpen m = base();
    m.rcpt_notify = {"NEVER", ""};
    m.rcpt_orcpt = {"rfc822;B@example.org", ""};
    m.dsn_ret = "HDRS";
    m.dsn_envid = "id 42";
    auto back = through_wire(m);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->rcpt_notify, m.rcpt_notify);
    EXPECT_EQ(back->rcpt_orcpt, m.rcpt_orcpt);
    EXPECT_EQ(back->dsn_ret, "HDRS");
    EXPECT_EQ(back->dsn_envid, "id 42");
}

TEST(CleanupOpenDsn, AbsentMeansEmpty) {
    auto back = through_wire(base());
    ASSERT_TRUE(back.ok());
    EXPECT_TRUE(back->rcpt_notify.empty());
    EXPECT_TRUE(back->dsn_ret.empty());
}

TEST(CleanupOpenDsn, NotifyListMustMatchRecipients) {
    CleanupOpen m = base();
    m.rcpt_notify = {"NEVER"};
    EXPECT_FALSE(through_wire(m).ok());
}

}  // namespace
}  // namespace postern::ipc
