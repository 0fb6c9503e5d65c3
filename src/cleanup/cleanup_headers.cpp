// The header rules: what cleanup adds and removes. Values that come from
// other processes (HELO, client name, full name, sender) are made
// single-line before they go into a header, so nobody can inject one.
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "cleanup_headers.hpp"
#include "lib/base/strings.hpp"

namespace postern::cleanup {
namespace {

constexpr std::size_t kMaxInsertedValue = 255;
constexpr std::array<std::string_view, 7> kResentNames = {
    "Resent-From", "Resent-Sender", "Resent-Date", "Resent-To", "Resent-Cc", "Resent-Bcc", "Resent-Message-ID"};

// Control bytes become '?', and the value is capped; 8-bit bytes stay.
std::string one_line(std::string_view v) {
    std::string out(v.substr(0, kMaxInsertedValue));
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 32 || c == 127) c = '?';
    return out;
}

// A display name as an RFC 5322 phrase: atoms as they are, else quoted.
std::string phrase(std::string_view name) {
    std::string clean = one_line(name);
    bool plain = std::all_of(clean.begin(), clean.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || static_cast<unsigned char>(c) >= 128 ||
               std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
    });
    if (plain) return clean;
    std::string q = "\"";
    for (char c : clean) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + '"';
}

Header make_header(std::string name, std::string_view value) {
    std::string raw = name + ": " + std::string(value) + "\n";
    return Header{std::move(name), std::move(raw)};
}

std::string make_message_id(const MessageInfo& info) {
    struct tm tm {};
    gmtime_r(&info.now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    return "<" + std::string(stamp) + "." + info.queue_id + "@" + one_line(info.myhostname) + ">";
}

std::string make_from(const MessageInfo& info) {
    std::string addr = info.sender.empty() ? "MAILER-DAEMON@" + info.myhostname : info.sender;
    addr = one_line(addr);
    if (info.full_name.empty()) return addr;
    return phrase(info.full_name) + " <" + addr + ">";
}

void add_missing(Headers& headers, const MessageInfo& info) {
    if (!find_header(headers, "Date")) headers.push_back(make_header("Date", rfc5322_date(info.now)));
    if (!find_header(headers, "Message-ID")) headers.push_back(make_header("Message-ID", make_message_id(info)));
    if (!find_header(headers, "From")) headers.push_back(make_header("From", make_from(info)));
}

}  // namespace

bool is_resent_header(std::string_view name) {
    return std::any_of(kResentNames.begin(), kResentNames.end(), [&](auto r) { return iequals(r, name); });
}

const Header* find_header(const Headers& headers, std::string_view name) {
    auto it = std::find_if(headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); });
    return it == headers.end() ? nullptr : &*it;
}

std::size_t count_received(const Headers& headers) {
    return static_cast<std::size_t>(
        std::count_if(headers.begin(), headers.end(), [](const Header& h) { return iequals(h.name, "Received"); }));
}

std::string rfc5322_date(std::time_t t) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm {};
    localtime_r(&t, &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    off = off < 0 ? -off : off;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60, off % 60);
    return buf;
}

Header make_received(const MessageInfo& info) {
    std::string date = rfc5322_date(info.now);
    std::string host = one_line(info.myhostname);
    if (info.origin != "smtpd") {
        std::string who = info.uid >= 0 ? "(postern, from userid " + std::to_string(info.uid) + ")" : "(postern)";
        return make_header("Received", "by " + host + " " + who + "\n\tid " + info.queue_id + "; " + date);
    }
    std::string v = "from " + one_line(info.helo) + " (" + one_line(info.client_name) + " [" +
                    one_line(info.client_addr) + "])\n\tby " + host + " (postern) with ESMTP id " + info.queue_id;
    if (info.recipients.size() == 1) v += "\n\tfor <" + one_line(info.recipients.front()) + ">";
    return make_header("Received", v + "; " + date);
}

void apply_header_rules(Headers& headers, const MessageInfo& info) {
    std::erase_if(headers, [](const Header& h) { return iequals(h.name, "Bcc") || iequals(h.name, "Resent-Bcc"); });
    headers.insert(headers.begin(), make_received(info));
    if (info.origin == "pickup") add_missing(headers, info);
}

std::string message_id_of(const Headers& headers) {
    const Header* h = find_header(headers, "Message-ID");
    return h ? std::string(trim(h->value())) : std::string();
}

}  // namespace postern::cleanup
