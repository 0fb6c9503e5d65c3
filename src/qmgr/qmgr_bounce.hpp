// Non-delivery notices (bounces): once a message's pass is over, the
// recipients that failed for good in it are reported in one RFC 3464
// report (src/lib/dsn), submitted through cleanup like any other mail
// (CleanupOpen with the null sender), so it is queued durably before qmgr
// removes or defers the original.
//
// Who gets it, and loop protection (Postfix's rules):
//   sender non-empty           -> the sender, origin "bounce"
//   sender <> (a bounce)       -> $bounce_notice_recipient, headers only,
//                                 origin "double-bounce"
//   sender <>, origin double-bounce -> nobody: logged and dropped, so a
//                                 broken postmaster address cannot loop
// Recipients whose NOTIFY excludes FAILURE (NEVER, SUCCESS...) are left out;
// no notice is sent when none is left. RET=HDRS returns headers only;
// otherwise the original is returned up to $bounce_size_limit bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lib/dsn/dsn_report.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/channel.hpp"
#include "qmgr_message.hpp"

namespace postern::config {
class Config;
}

namespace postern::qmgr {

// The defer log key (no address is empty) that records a sent delay notice.
inline constexpr std::string_view kDelayWarnedKey = "";

struct BounceSettings {
    std::string myhostname = "localhost";
    std::string notice_recipient = "postmaster";
    std::uint64_t size_limit = 50000;
    std::time_t delay_warning = 0;  // seconds; 0 = no delay notices
    ipc::Millis timeout{60000};
    ipc::Limits limits;

    static BounceSettings from_config(const config::Config& cfg);
};

// What to send for msg's failures (or why nothing): pure, for tests.
struct NoticePlan {
    bool send = false;
    std::string why_not;     // when !send
    std::string origin;      // "bounce" / "double-bounce"
    dsn::Report report;      // original not yet filled in
};
NoticePlan plan_notice(const Message& msg, const std::vector<Message::Failure>& failures, dsn::Action action,
                       const BounceSettings& s, std::time_t now);

// Build and submit the notice for msg's failures to cleanup_socket; logs
// "ID: sender non-delivery notification: NEWID" or a warning.
void send_notice(const Message& msg, const std::vector<Message::Failure>& failures, dsn::Action action,
                 const BounceSettings& s, const std::string& cleanup_socket);

}  // namespace postern::qmgr
