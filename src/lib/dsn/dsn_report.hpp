// RFC 3464 delivery status notifications: the text of a multipart/report
// message (report-type=delivery-status) with three parts:
//   1. a human-readable explanation (text/plain)
//   2. message/delivery-status: per-message fields (Reporting-MTA,
//      Original-Envelope-Id, Arrival-Date) and one block per recipient
//      (Final-Recipient, Original-Recipient, Action, Status, Diagnostic-Code)
//   3. the original message (message/rfc822) or only its headers
//      (text/rfc822-headers) per RET, cut at a size bound
// Pure text building, no I/O: qmgr reads the original and submits the
// result through cleanup with the null sender. Lines end in "\n" (the queue
// convention); the smtp client converts on output.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace postern::dsn {

enum class Action { Failed, Delayed };

struct RecipientStatus {
    std::string address;     // final recipient
    std::string orcpt;       // "rfc822;addr" or "" (RFC 3461 ORCPT as received)
    Action action = Action::Failed;
    std::string status;      // "5.1.1"
    std::string diagnostic;  // the server's reply or the local reason, one line
};

struct Report {
    std::string reporting_mta;  // $myhostname
    std::string queue_id;
    std::string envid;          // "" = none
    std::string sender;         // original envelope sender (the report's To:)
    std::string to;             // who receives the report (sender or postmaster)
    std::time_t arrival = 0;
    std::time_t now = 0;
    bool headers_only = false;  // RET=HDRS, or a postmaster notice
    std::vector<RecipientStatus> recipients;
    std::string original;       // original message (LF), already cut to size
    bool truncated = false;     // original was cut
};

// The complete message: header block, empty line, MIME body.
std::string build_report(const Report& report);

// RFC 5322 date in UTC ("Sun, 22 Nov 2026 05:07:48 +0000").
std::string rfc5322_date_utc(std::time_t t);

// The header block of a message (up to and including the empty line, or
// the whole text when it has no body).
std::string_view header_block(std::string_view message);

// Whether recipient notify (RFC 3461 NOTIFY value, "" = default) asks for
// a report of this action: default = failures and delays, NEVER = none.
bool wants_notice(std::string_view notify, Action action);

}  // namespace postern::dsn
