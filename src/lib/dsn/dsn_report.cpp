// Building delivery status notifications (see the header).
#include "lib/dsn/dsn_report.hpp"

#include <cstdio>

#include "lib/base/strings.hpp"

namespace postern::dsn {
namespace {

const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// One header-safe line: no CR/LF, no control characters.
std::string one_line(std::string_view s, std::size_t max = 990) {
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= max) break;
        out += (c < 32 || c == 127) ? ' ' : static_cast<char>(c);
    }
    return out;
}

std::string action_text(Action a) { return a == Action::Failed ? "failed" : "delayed"; }

std::string explanation(const Report& r) {
    bool failed = r.recipients.empty() || r.recipients.front().action == Action::Failed;
    std::string t = "This is the mail system at host " + one_line(r.reporting_mta) + ".\n\n";
    if (failed) {
        t += "I'm sorry to have to inform you that your message could not\n"
             "be delivered to one or more recipients. It's attached below.\n\n"
             "For further assistance, please send mail to postmaster.\n\n"
             "If you do so, please include this problem report. You can\n"
             "delete your own text from the attached returned message.\n\n";
    } else {
        t += "Your message could not be delivered for some time.\n"
             "It will be retried until it is too old; you need not send it again.\n\n";
    }
    for (const auto& rc : r.recipients)
        t += "<" + one_line(rc.address) + ">: " + one_line(rc.diagnostic) + "\n";
    return t;
}

std::string status_part(const Report& r) {
    std::string t = "Reporting-MTA: dns; " + one_line(r.reporting_mta) + "\n";
    t += "X-Postern-Queue-ID: " + one_line(r.queue_id) + "\n";
    if (!r.envid.empty()) t += "Original-Envelope-Id: " + one_line(r.envid) + "\n";
    t += "X-Postern-Sender: rfc822; " + one_line(r.sender) + "\n";
    t += "Arrival-Date: " + rfc5322_date_utc(r.arrival) + "\n";
    for (const auto& rc : r.recipients) {
        t += "\nFinal-Recipient: rfc822; " + one_line(rc.address) + "\n";
        if (!rc.orcpt.empty()) {
            auto semi = rc.orcpt.find(';');
            std::string type = semi == std::string::npos ? "rfc822" : std::string(trim(rc.orcpt.substr(0, semi)));
            std::string addr = semi == std::string::npos ? rc.orcpt : std::string(trim(rc.orcpt.substr(semi + 1)));
            t += "Original-Recipient: " + one_line(type) + "; " + one_line(addr) + "\n";
        }
        t += "Action: " + action_text(rc.action) + "\n";
        t += "Status: " + one_line(rc.status, 16) + "\n";
        // A server's reply is an smtp diagnostic; anything else is ours.
        bool smtp = rc.diagnostic.find(" said: ") != std::string::npos;
        std::string diag = rc.diagnostic;
        if (smtp) diag = diag.substr(diag.find(" said: ") + 7);
        t += "Diagnostic-Code: " + std::string(smtp ? "smtp; " : "X-Postern; ") + one_line(diag) + "\n";
    }
    return t;
}

}  // namespace

std::string rfc5322_date_utc(std::time_t t) {
    struct tm tm {};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string_view header_block(std::string_view message) {
    if (message.starts_with("\n")) return message.substr(0, 1);
    auto end = message.find("\n\n");
    return end == std::string_view::npos ? message : message.substr(0, end + 2);
}

bool wants_notice(std::string_view notify, Action action) {
    if (notify.empty()) return true;
    std::string n = lowercase(notify);
    if (n.find("never") != std::string::npos) return false;
    return n.find(action == Action::Failed ? "failure" : "delay") != std::string::npos;
}

std::string build_report(const Report& r) {
    bool failed = r.recipients.empty() || r.recipients.front().action == Action::Failed;
    std::string boundary = one_line(r.queue_id) + "." + std::to_string(r.now) + "/" + one_line(r.reporting_mta);
    std::string m;
    m += "From: MAILER-DAEMON@" + one_line(r.reporting_mta) + " (Mail Delivery System)\n";
    m += "To: <" + one_line(r.to) + ">\n";
    m += failed ? "Subject: Undelivered Mail Returned to Sender\n" : "Subject: Delayed Mail (still being retried)\n";
    m += "Date: " + rfc5322_date_utc(r.now) + "\n";
    m += "Message-ID: <" + one_line(r.queue_id) + "." + std::to_string(r.now) + ".dsn@" + one_line(r.reporting_mta) +
         ">\n";
    m += "Auto-Submitted: auto-replied\n";
    m += "MIME-Version: 1.0\n";
    m += "Content-Type: multipart/report; report-type=delivery-status;\n\tboundary=\"" + boundary + "\"\n";
    m += "Content-Transfer-Encoding: 8bit\n\n";
    m += "This is a MIME-encapsulated message.\n\n";
    m += "--" + boundary + "\nContent-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n";
    m += explanation(r) + "\n";
    m += "--" + boundary + "\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n";
    m += status_part(r) + "\n";
    m += "--" + boundary + "\n";
    if (r.headers_only)
        m += "Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n\n";
    else
        m += "Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\n";
    m += r.original;
    if (!r.original.empty() && r.original.back() != '\n') m += "\n";
    if (r.truncated) m += "\n[message truncated]\n";
    m += "\n--" + boundary + "--\n";
    return m;
}

}  // namespace postern::dsn
