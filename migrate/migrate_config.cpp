#include "migrate_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/config/config.hpp"
#include "migrate_config_detail.hpp"

namespace postern::migrate {
namespace {

// What an option, macro or class value becomes: a postern value, or nothing
// (why says what was wrong with it).
using Convert = std::function<std::optional<std::string>(const std::string& value, std::string& why)>;

struct Rule {
    std::string param;  // empty: a note only
    Convert convert;
    std::string note;
};

std::optional<std::string> positive_number(const std::string& v, std::string& why) {
    auto n = parse_int(v);
    if (!n || *n <= 0) {
        why = "0 or no number means unlimited in sendmail; postern keeps its default bound";
        return std::nullopt;
    }
    return v;
}

std::optional<std::string> seconds(const std::string& v, std::string& why) {
    auto s = sendmail_seconds(v);
    if (!s) why = "not a sendmail time value";
    return s ? std::optional<std::string>(std::to_string(*s) + "s") : std::nullopt;
}

std::optional<std::string> privacy(const std::string& v, std::string&) {
    auto words = lowercase(v);
    bool novrfy = words.find("novrfy") != std::string::npos || words.find("goaway") != std::string::npos;
    return std::string(novrfy ? "yes" : "no");
}

// sendmail macros postern's parameters know: $z home, $u user, $w/$j host.
std::optional<std::string> with_macros(const std::string& v, std::string& why) {
    static const std::map<char, std::string> kMacros = {
        {'z', "$home"}, {'u', "$user"}, {'w', "$myhostname"}, {'j', "$myhostname"}};
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] != '$') {
            out += v[i];
            continue;
        }
        auto it = i + 1 < v.size() ? kMacros.find(v[i + 1]) : kMacros.end();
        if (it == kMacros.end()) {
            why = "uses sendmail macros postern does not have";
            return std::nullopt;
        }
        out += it->second;
        ++i;
    }
    return out;
}

std::optional<std::string> forward_path(const std::string& v, std::string& why) {
    auto out = with_macros(v, why);
    if (out) std::replace(out->begin(), out->end(), ':', ',');
    return out;
}

std::optional<std::string> user_name(const std::string& v, std::string& why) {
    auto name = v.substr(0, v.find(':'));
    if (name.empty() || parse_int(name)) {
        why = "a numeric uid; postern wants a user name";
        return std::nullopt;
    }
    return name;
}

const std::map<std::string, Rule, std::less<>>& option_rules() {
    static const std::map<std::string, Rule, std::less<>> table = {
        {"MaxMessageSize", {"message_size_limit", positive_number, ""}},
        {"MaxRecipientsPerMessage", {"smtpd_recipient_limit", positive_number, ""}},
        {"MaxHopCount", {"hopcount_limit", positive_number, ""}},
        {"MaxHeadersLength", {"header_size_limit", positive_number, ""}},
        {"Timeout.queuereturn", {"maximal_queue_lifetime", seconds, ""}},
        {"Timeout.queuewarn", {"delay_warning_time", seconds, ""}},
        {"PrivacyOptions", {"disable_vrfy_command", privacy, ""}},
        {"ForwardPath", {"forward_path", forward_path, ""}},
        {"SmtpGreetingMessage", {"smtpd_banner", with_macros, ""}},
        {"DefaultUser", {"default_privs", user_name, ""}},
        {"QueueDirectory", {"", nullptr, "its messages are converted into postern's queue (see the qf items)"}},
        {"DeliveryMode", {"", nullptr, "postern always queues first and delivers in the background"}},
        {"AliasWait", {"", nullptr, "postern does not wait for alias rebuilds"}},
        {"LogLevel", {"", nullptr, "postern logs every delivery in one line per recipient"}},
        {"HelpFile", {"", nullptr, "postern answers HELP itself"}},
        {"StatusFile", {"", nullptr, "postern-ctl status reports delivery statistics from the log"}},
        {"TempFileMode", {"", nullptr, "postern chooses its own file modes"}},
        {"QueueFileMode", {"", nullptr, "postern chooses its own file modes"}},
        {"DontBlameSendmail", {"", nullptr, "postern's file checks are not configurable"}},
    };
    return table;
}

std::string cf_source(const CfFile& cf, std::size_t line) { return where(cf.path, line); }

void add_setting(std::vector<Setting>& out, Plan& plan, const std::string& src, const std::string& what,
                 const std::string& param, const std::string& value) {
    auto cfg = config::Config::defaults("/");
    if (auto st = cfg.set(param, value); !st)
        return plan.add(src, what, Outcome::NotConverted, param + " = " + value + " is refused: " + st.error().message);
    out.push_back({param, value, src + ": " + what});
    plan.add(src, what, Outcome::Converted, param + " = " + value);
}

void convert_options(const CfFile& cf, std::vector<Setting>& out, Plan& plan) {
    for (const auto& o : cf.options) {
        std::string what = "O " + o.name + "=" + o.value, src = cf_source(cf, o.line);
        if (cf.option(o.name) != &o) {
            plan.add(src, what, Outcome::ConvertedWithNote, "overridden by a later line");
            continue;
        }
        auto it = option_rules().find(o.name);
        if (o.name == "AliasFile") {
            plan.add(src, what, Outcome::ConvertedWithNote, "each alias file is converted: see the alias items");
        } else if (it == option_rules().end()) {
            plan.add(src, what, Outcome::NotConverted, "no postern parameter for this option yet (not converted yet)");
        } else if (it->second.param.empty()) {
            plan.add(src, what, Outcome::ConvertedWithNote, it->second.note);
        } else {
            std::string why;
            auto v = it->second.convert(o.value, why);
            if (v) add_setting(out, plan, src, what, it->second.param, *v);
            else plan.add(src, what, Outcome::NotConverted, why);
        }
    }
}

// Macros m4 always defines for sendmail's own bookkeeping.
const std::set<std::string, std::less<>> kInternalMacros = {
    "n", "l", "o", "q", "e", "Z", "_", "a", "b", "v", "MTAHost", "daemon_flags", "opMode", "w", "m", "k",
    "CP", "E", "L", "C", "B", "V", "W", "Y", "U", "P", "F", "D", "X", "Q"};

void convert_macros(const CfFile& cf, std::vector<Setting>& out, Plan& plan) {
    for (const auto& m : cf.macros) {
        std::string what = "D" + (m.name.size() == 1 ? m.name : "{" + m.name + "}") + m.value;
        std::string src = cf_source(cf, m.line);
        if (m.name == "j" && m.value.find('$') == std::string::npos && !m.value.empty()) {
            add_setting(out, plan, src, what, "myhostname", m.value);
        } else if (m.name == "S" && !m.value.empty()) {
            auto colon = m.value.find(':');  // "esmtp:[host]" names a mailer first
            std::string host = colon == std::string::npos || m.value[0] == '[' ? m.value : m.value.substr(colon + 1);
            add_setting(out, plan, src, what, "relayhost", host);
        } else if (m.value.empty() || kInternalMacros.count(m.name)) {
            plan.add(src, what, Outcome::ConvertedWithNote, m.value.empty() ? "empty (unused)" : "sendmail-internal macro");
        } else {
            std::string why = m.name == "M" ? "masquerading is not available in postern yet"
                                            : "no postern parameter for this macro yet";
            plan.add(src, what, Outcome::NotConverted, why);
        }
    }
}

}  // namespace

std::optional<long long> sendmail_seconds(std::string_view v) {
    static const std::map<char, long long> kUnit = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    long long total = 0, n = 0;
    bool digits = false;
    for (char c : trim(v)) {
        if (c >= '0' && c <= '9') {
            n = n * 10 + (c - '0');
            if (n > 100000000) return std::nullopt;
            digits = true;
        } else if (auto it = kUnit.find(c); it != kUnit.end() && digits) {
            total += n * it->second;
            n = 0;
            digits = false;
        } else {
            return std::nullopt;
        }
    }
    return total + n;
}

std::vector<Setting> convert_cf(const CfFile& cf, const CfContext& ctx, Plan& plan) {
    std::vector<Setting> out;
    convert_macros(cf, out, plan);
    convert_options(cf, out, plan);
    std::string why;
    auto dest = local_domains(cf, ctx, plan);
    if (!dest.empty()) add_setting(out, plan, cf_source(cf, dest.front().line), "class w (local host names)",
                                   "mydestination", "$myhostname, localhost, " + join(names_of(dest), ", "));
    auto relay = class_members(cf, ctx, "R", plan);
    if (!relay.empty()) add_setting(out, plan, cf_source(cf, relay.front().line), "class R (relay domains)",
                                    "relay_domains", join(names_of(relay), ", "));
    describe_cf_rest(cf, plan);
    return out;
}

}  // namespace postern::migrate
