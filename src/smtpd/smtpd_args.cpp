// MAIL/RCPT arguments (see the header).
#include "smtpd_args.hpp"

#include <cctype>
#include <set>
#include <vector>

#include "lib/address/address.hpp"
#include "lib/base/strings.hpp"

namespace postern::smtpd {
namespace {

constexpr std::size_t kMaxParamValue = 500;  // ORCPT may carry a whole address, xtext-encoded

struct Param {
    std::string key;    // upper case
    std::string value;
    bool has_value = false;
};

struct Split {
    std::string path;   // between < and >
    std::vector<Param> params;
};

// "FROM:" / "TO:" then optional spaces then "<...>" then " KEY[=VALUE]"...
// The closing ">" is the first one outside a quoted string.
Result<Split> split_path(std::string_view text, std::string_view keyword, std::string_view syntax) {
    text = trim(text);
    if (!starts_with_icase(text, keyword)) return make_error(std::string(syntax));
    text.remove_prefix(keyword.size());
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.empty() || text.front() != '<') return make_error(std::string(syntax));
    bool quoted = false;
    std::size_t close = std::string_view::npos;
    for (std::size_t i = 1; i < text.size() && close == std::string_view::npos; ++i) {
        if (quoted && text[i] == '\\') ++i;
        else if (text[i] == '"') quoted = !quoted;
        else if (text[i] == '>' && !quoted) close = i;
    }
    if (close == std::string_view::npos) return make_error(std::string(syntax));
    Split out;
    out.path = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ' ') return make_error(std::string(syntax));
    std::set<std::string> seen;
    for (const auto& word : split_list(rest, " ")) {
        Param p;
        auto eq = word.find('=');
        p.key = std::string(word.substr(0, eq));
        for (auto& c : p.key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (eq != std::string::npos) {
            p.value = word.substr(eq + 1);
            p.has_value = true;
        }
        if (p.key.empty() || p.value.size() > kMaxParamValue) return make_error("501 5.5.4 Bad parameter syntax");
        if (!seen.insert(p.key).second) return make_error("501 5.5.4 Duplicate parameter " + p.key);
        out.params.push_back(std::move(p));
    }
    return out;
}

// Drop an RFC 5321 source route ("@a,@b:mailbox"): accepted, then ignored.
std::string_view strip_route(std::string_view path) {
    if (path.empty() || path.front() != '@') return path;
    auto colon = path.find(':');
    return colon == std::string_view::npos ? path : path.substr(colon + 1);
}

bool all_digits(std::string_view s) {
    if (s.empty() || s.size() > 19) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

Status mail_param(const Param& p, MailArgs& m, std::uint64_t size_limit) {
    std::string v = p.value;
    for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (p.key == "SIZE") {
        if (!all_digits(p.value)) return make_error("501 5.5.4 Bad SIZE parameter");
        m.size = std::stoull(p.value);
        if (m.size > size_limit) return make_error("552 5.3.4 Message size exceeds fixed limit");
    } else if (p.key == "BODY") {
        if (v != "7BIT" && v != "8BITMIME") return make_error("501 5.5.4 Unsupported BODY parameter");
        m.body = v;
    } else if (p.key == "RET") {
        if (v != "FULL" && v != "HDRS") return make_error("501 5.5.4 Bad RET parameter");
        m.ret = v;
    } else if (p.key == "ENVID") {
        if (!valid_xtext(p.value) || p.value.size() > 100) return make_error("501 5.5.4 Bad ENVID parameter");
        m.envid = decode_xtext(p.value);
    } else if (p.key == "SMTPUTF8") {
        if (p.has_value) return make_error("501 5.5.4 Bad SMTPUTF8 parameter");
        m.smtputf8 = true;
    } else {
        return make_error("555 5.5.4 Unsupported option: " + p.key.substr(0, 32));
    }
    return {};
}

bool valid_notify(std::string_view v) {
    auto words = split_list(v, ",");
    if (words.empty()) return false;
    std::set<std::string> seen;
    for (const auto& w : words) {
        std::string u = w;
        for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (u != "NEVER" && u != "SUCCESS" && u != "FAILURE" && u != "DELAY") return false;
        if (!seen.insert(u).second) return false;
    }
    return !(seen.count("NEVER") && seen.size() > 1);
}

Status rcpt_param(const Param& p, RcptArgs& r) {
    if (p.key == "NOTIFY") {
        if (!valid_notify(p.value)) return make_error("501 5.5.4 Bad NOTIFY parameter");
        r.notify = p.value;
    } else if (p.key == "ORCPT") {
        auto semi = p.value.find(';');
        if (semi == std::string::npos || semi == 0 || !valid_xtext(p.value.substr(semi + 1)))
            return make_error("501 5.5.4 Bad ORCPT parameter");
        r.orcpt = p.value.substr(0, semi + 1) + decode_xtext(p.value.substr(semi + 1));
    } else {
        return make_error("555 5.5.4 Unsupported option: " + p.key.substr(0, 32));
    }
    return {};
}

}  // namespace

bool valid_xtext(std::string_view s) {
    auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '+') {
            if (i + 2 >= s.size() || !hex(s[i + 1]) || !hex(s[i + 2])) return false;
            i += 2;
        } else if (c < 33 || c > 126 || c == '=') {
            return false;
        }
    }
    return true;
}

std::string decode_xtext(std::string_view s) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'A' + 10; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+' && i + 2 < s.size()) {
            out += static_cast<char>(nibble(s[i + 1]) * 16 + nibble(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

Result<MailArgs> parse_mail(std::string_view text, std::uint64_t size_limit) {
    auto split = split_path(text, "FROM:", "501 5.5.4 Syntax: MAIL FROM:<address>");
    if (!split) return split.error();
    MailArgs m;
    for (const auto& p : split->params) POSTERN_TRY(mail_param(p, m, size_limit));
    std::string_view path = strip_route(split->path);
    if (path.empty()) return m;  // <>: the null sender
    auto mailbox = address::check_smtp_mailbox(path, {m.smtputf8, true});
    if (!mailbox) return make_error("501 5.1.7 Bad sender address syntax");
    m.sender = std::move(*mailbox);
    return m;
}

Result<RcptArgs> parse_rcpt(std::string_view text, bool smtputf8) {
    auto split = split_path(text, "TO:", "501 5.5.4 Syntax: RCPT TO:<address>");
    if (!split) return split.error();
    RcptArgs r;
    for (const auto& p : split->params) POSTERN_TRY(rcpt_param(p, r));
    std::string_view path = strip_route(split->path);
    // RFC 5321 4.5.1: <postmaster> without a domain must be accepted.
    if (iequals(path, "postmaster")) {
        r.recipient = "postmaster";
        return r;
    }
    auto mailbox = address::check_smtp_mailbox(path, {smtputf8, true});
    if (!mailbox) return make_error("501 5.1.3 Bad recipient address syntax");
    r.recipient = std::move(*mailbox);
    return r;
}

}  // namespace postern::smtpd
