// The access-table hook: one lookup per check point (client, HELO name,
// sender, recipient), answering as a Postfix access(5) table does:
//   OK       accept this recipient (relay included) without further checks
//   RELAY    same as OK for the relay decision
//   REJECT   554 5.7.1 Access denied
//   DUNNO    no opinion: go on with the next check (also "not found")
//   Reply    "4xx ..." or "5xx ..." text, sent as the reply
// Checks run at RCPT time (as Postfix's smtpd_delay_reject = yes) in the
// order client, helo, sender, recipient; the first answer other than DUNNO
// decides. The lookup-table issue (maps/) backs this with real tables; the
// default here finds nothing.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace postern::config {
class Config;
}

namespace postern::smtpd {

enum class AccessAction { Dunno, Ok, Relay, Reject, Reply };

struct AccessVerdict {
    AccessAction action = AccessAction::Dunno;
    std::string reply;  // Reply: "450 4.7.1 text" (validated by parse_access_value)
};

// Turn a table value ("OK", "reject", "550 text", "4.7.1 ...") into a
// verdict; anything unrecognised is Dunno (a table typo must not open relay).
AccessVerdict parse_access_value(std::string_view value);

class AccessTable {
public:
    virtual ~AccessTable() = default;
    virtual AccessVerdict client(std::string_view addr, std::string_view name) const;
    virtual AccessVerdict helo(std::string_view helo) const;
    virtual AccessVerdict sender(std::string_view address) const;
    virtual AccessVerdict recipient(std::string_view address) const;
};

// The tables named in main.conf; today always the empty table.
std::unique_ptr<AccessTable> open_access_table(const config::Config& cfg);

}  // namespace postern::smtpd
