#include "migrate_qf.hpp"

#include <functional>
#include <set>

#include "lib/base/strings.hpp"

namespace postern::migrate {
namespace {

using Handler = std::function<Status(QfMessage&, std::string_view, QfRecipient& pending)>;

Status set_number(long long& into, std::string_view v, char letter) {
    auto n = parse_int(trim(v));
    if (!n || *n < 0) return make_error(std::string("bad number in ") + letter + " record");
    into = *n;
    return {};
}

Status recipient(QfMessage& qf, std::string_view v, QfRecipient& pending) {
    QfRecipient r = pending;
    if (qf.version >= 1) {
        auto colon = v.find(':');
        if (colon == std::string_view::npos) return make_error("recipient without flags");
        r.flags = std::string(v.substr(0, colon));
        v.remove_prefix(colon + 1);
    }
    if (v.empty()) return make_error("empty recipient");
    r.address = std::string(v);
    qf.recipients.push_back(std::move(r));
    pending.orcpt.clear();  // Q applies to the next R only; C stays in force
    return {};
}

const std::map<char, Handler>& handlers() {
    static const std::map<char, Handler> table = {
        {'V', [](QfMessage& qf, std::string_view v, QfRecipient&) -> Status {
             long long n = 0;
             POSTERN_TRY(set_number(n, v, 'V'));
             if (n > kMaxQfVersion) return make_error("queue file version " + std::to_string(n) + " is above 8");
             qf.version = static_cast<int>(n);
             return {};
         }},
        {'T', [](QfMessage& qf, std::string_view v, QfRecipient&) { return set_number(qf.created, v, 'T'); }},
        {'K', [](QfMessage& qf, std::string_view v, QfRecipient&) { return set_number(qf.last_attempt, v, 'K'); }},
        {'N', [](QfMessage& qf, std::string_view v, QfRecipient&) { return set_number(qf.attempts, v, 'N'); }},
        {'M', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.status = v; return Status{}; }},
        {'F', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.flags += v; return Status{}; }},
        {'S', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.sender = v; return Status{}; }},
        {'Z', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.envid = v; return Status{}; }},
        {'B', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.body_type = v; return Status{}; }},
        {'d', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.df_dir = v; return Status{}; }},
        {'q', [](QfMessage& qf, std::string_view v, QfRecipient&) { qf.quarantine = v; return Status{}; }},
        {'Q', [](QfMessage&, std::string_view v, QfRecipient& p) { p.orcpt = v; return Status{}; }},
        {'C', [](QfMessage&, std::string_view v, QfRecipient& p) { p.controller = v; return Status{}; }},
        {'R', recipient},
        {'$', [](QfMessage& qf, std::string_view v, QfRecipient&) {
             std::string_view value;
             std::string name;
             if (!v.empty() && v[0] == '{') {
                 auto close = v.find('}');
                 name = std::string(v.substr(1, close == std::string_view::npos ? 0 : close - 1));
                 value = close == std::string_view::npos ? std::string_view{} : v.substr(close + 1);
             } else if (!v.empty()) {
                 name = std::string(1, v[0]);
                 value = v.substr(1);
             }
             qf.macros[name] = std::string(value);
             return Status{};
         }},
    };
    return table;
}

// Records sendmail writes that postern has no use for.
const std::set<char> kIgnored = {'A', 'P', 'I', 'r', 'E', 'G', 'D', '!', 'X'};

Status header(QfMessage& qf, std::size_t line, std::string_view v) {
    QfHeader h;
    h.line = line;
    if (!v.empty() && v[0] == '?') {
        auto close = v.find('?', 1);
        if (close == std::string_view::npos) return make_error("unterminated ?flags? in header");
        h.flags = std::string(v.substr(1, close - 1));
        v.remove_prefix(close + 1);
    }
    auto colon = v.find(':');
    if (colon == std::string_view::npos || colon == 0) return make_error("header without a name");
    h.name = std::string(trim(v.substr(0, colon)));
    h.text = std::string(v);
    qf.headers.push_back(std::move(h));
    return {};
}

Status record(QfMessage& qf, std::size_t line, std::string_view text, QfRecipient& pending) {
    char letter = text[0];
    auto value = text.substr(1);
    if (letter == 'H') return header(qf, line, value);
    if (auto it = handlers().find(letter); it != handlers().end()) return it->second(qf, value, pending);
    if (kIgnored.count(letter)) return {};
    return make_error(std::string("unknown record '") + letter + "'");
}

}  // namespace

bool QfMessage::null_sender() const {
    return sender.empty() || sender == "<>" || (has_flag('r') && sender == "MAILER-DAEMON");
}

Result<QfMessage> parse_qf(std::string_view bytes) {
    QfMessage qf;
    QfRecipient pending;
    std::size_t number = 0;
    bool ended = false;
    char last = 0;
    while (!bytes.empty()) {
        auto nl = bytes.find('\n');
        if (nl == std::string_view::npos) return make_error("line " + std::to_string(number + 1) + ": truncated (no newline)");
        auto line = bytes.substr(0, nl);
        bytes.remove_prefix(nl + 1);
        ++number;
        if (ended) return make_error("line " + std::to_string(number) + ": data after the final \".\"");
        if (line == ".") {
            ended = true;
            continue;
        }
        if (line.empty()) return make_error("line " + std::to_string(number) + ": empty line");
        if (line[0] == '\t' || line[0] == ' ') {
            if (last != 'H')
                return make_error("line " + std::to_string(number) + ": continuation without a header");
            qf.headers.back().text += "\n";
            qf.headers.back().text += line;
            continue;
        }
        last = line[0];
        if (auto st = record(qf, number, line, pending); !st)
            return make_error("line " + std::to_string(number) + ": " + st.error().message);
    }
    if (!ended) return make_error("truncated: no final \".\" line");
    if (qf.created == 0) return make_error("no T (creation time) record");
    return qf;
}

std::string unconvertible_reason(const QfRecipient& r) {
    if (r.address.rfind("|", 0) == 0 || r.address.rfind("\"|", 0) == 0) return "a program recipient";
    if (r.address.rfind("/", 0) == 0 || r.address.rfind("\"/", 0) == 0) return "a file recipient";
    if (starts_with_icase(r.address, ":include:")) return "an :include: recipient";
    return {};
}

namespace {
// The macro after a \201 byte at text[i]: "g", or "name" for "{name}";
// i is left on its last byte.
std::string macro_name(std::string_view text, std::size_t& i) {
    if (text[i] != '{') return std::string(1, text[i]);
    auto close = text.find('}', i);
    if (close == std::string_view::npos) return std::string(1, text[i]);
    std::string name(text.substr(i + 1, close - i - 1));
    i = close;
    return name;
}
}  // namespace

std::string resolve_headers(const QfMessage& qf, std::string_view mailer_flags,
                            std::vector<std::string>& unexpanded) {
    std::string out;
    for (const auto& h : qf.headers) {
        if (!h.flags.empty() && h.flags.find_first_of(mailer_flags) == std::string::npos) continue;
        if (iequals(h.name, "Bcc") && qf.has_flag('b')) continue;
        for (std::size_t i = 0; i < h.text.size(); ++i) {
            if (h.text[i] != kMacroByte || i + 1 == h.text.size()) {
                out += h.text[i];
                continue;
            }
            std::string m = macro_name(h.text, ++i);
            if (m == "g") {
                out += qf.null_sender() ? std::string{} : qf.sender;
            } else if (auto it = qf.macros.find(m); it != qf.macros.end()) {
                out += it->second;  // passed through the queue by sendmail ($ lines)
            } else {
                std::string shown = m.size() == 1 ? "$" + m : "${" + m + "}";
                out += shown;
                unexpanded.push_back(h.name + ": " + shown);
            }
        }
        out += "\n";
    }
    return out;
}

namespace {
// sendmail keeps the address as the client gave it: "<a@b>" or "a@b".
std::string bare(std::string_view a) {
    if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
    return std::string(a);
}

std::string notify_of(const QfRecipient& r) {
    if (r.flags.find('N') == std::string::npos) return {};
    std::vector<std::string> kinds;
    if (r.flags.find('S') != std::string::npos) kinds.emplace_back("SUCCESS");
    if (r.flags.find('F') != std::string::npos) kinds.emplace_back("FAILURE");
    if (r.flags.find('D') != std::string::npos) kinds.emplace_back("DELAY");
    return kinds.empty() ? "NEVER" : join(kinds, ",");
}
}  // namespace

queue::Envelope make_envelope(const QfMessage& qf, std::string_view sendmail_id) {
    queue::Envelope env;
    env.arrival.tv_sec = static_cast<time_t>(qf.created);
    env.sender = qf.null_sender() ? std::string{} : bare(qf.sender);
    env.attrs.emplace_back("origin", "sendmail-queue");
    env.attrs.emplace_back("sendmail_queue_id", std::string(sendmail_id));
    if (qf.has_flag('d')) env.attrs.emplace_back("dsn_ret", qf.has_flag('n') ? "HDRS" : "FULL");
    if (!qf.envid.empty()) env.attrs.emplace_back("dsn_envid", qf.envid);
    if (!qf.body_type.empty()) env.attrs.emplace_back("body_type", qf.body_type);
    if (qf.attempts > 0) env.attrs.emplace_back("sendmail_attempts", std::to_string(qf.attempts));
    if (!qf.status.empty()) env.attrs.emplace_back("sendmail_status", qf.status);
    for (const auto& r : qf.recipients)
        env.recipients.push_back(queue::Recipient{bare(r.address), r.orcpt, notify_of(r)});
    return env;
}

}  // namespace postern::migrate
