// Plan items for the .mc source and for the cf's rule sets.
#include <map>
#include <set>

#include "lib/base/strings.hpp"
#include "migrate_config.hpp"

namespace postern::migrate {
namespace {

struct McRule {
    Outcome outcome;
    std::string note;
};

const std::map<std::string, McRule, std::less<>>& mc_rules() {
    static const std::map<std::string, McRule, std::less<>> table = {
        {"VERSIONID", {Outcome::ConvertedWithNote, "a comment"}},
        {"OSTYPE", {Outcome::ConvertedWithNote, "its settings are read from sendmail.cf"}},
        {"DOMAIN", {Outcome::ConvertedWithNote, "its settings are read from sendmail.cf"}},
        {"define", {Outcome::ConvertedWithNote, "read from the line it produced in sendmail.cf"}},
        {"undefine", {Outcome::ConvertedWithNote, "read from sendmail.cf"}},
        {"MAILER", {Outcome::ConvertedWithNote, "see the M line in sendmail.cf"}},
        {"LOCAL_DOMAIN", {Outcome::Converted, "becomes part of mydestination (class w)"}},
        {"MASQUERADE_AS", {Outcome::NotConverted, "masquerading is not available in postern yet"}},
        {"MASQUERADE_DOMAIN", {Outcome::NotConverted, "masquerading is not available in postern yet"}},
        {"MASQUERADE_DOMAIN_FILE", {Outcome::NotConverted, "masquerading is not available in postern yet"}},
        {"EXPOSED_USER", {Outcome::NotConverted, "masquerading is not available in postern yet"}},
        {"EXPOSED_USER_FILE", {Outcome::NotConverted, "masquerading is not available in postern yet"}},
        {"LOCAL_USER", {Outcome::NotConverted, "no postern equivalent yet"}},
        {"VIRTUSER_DOMAIN", {Outcome::ConvertedWithNote, "read as class VirtHost from sendmail.cf"}},
        {"VIRTUSER_DOMAIN_FILE", {Outcome::ConvertedWithNote, "read as class VirtHost from sendmail.cf"}},
        {"GENERICS_DOMAIN", {Outcome::ConvertedWithNote, "read as class G from sendmail.cf"}},
        {"GENERICS_DOMAIN_FILE", {Outcome::ConvertedWithNote, "read as class G from sendmail.cf"}},
        {"LDAPROUTE_DOMAIN", {Outcome::NotConverted, "LDAP routing conversion not done yet"}},
        {"LDAPROUTE_DOMAIN_FILE", {Outcome::NotConverted, "LDAP routing conversion not done yet"}},
        {"LDAPROUTE_EQUIVALENT", {Outcome::NotConverted, "LDAP routing conversion not done yet"}},
        {"LDAPROUTE_EQUIVALENT_FILE", {Outcome::NotConverted, "LDAP routing conversion not done yet"}},
        {"RELAY_DOMAIN", {Outcome::Converted, "becomes part of relay_domains (class R)"}},
        {"RELAY_DOMAIN_FILE", {Outcome::Converted, "becomes part of relay_domains (class R)"}},
    };
    return table;
}

// FEATUREs whose effect postern has (or needs nothing for).
const std::map<std::string, std::string, std::less<>> kFeaturesDone = {
    {"use_cw_file", "local-host-names becomes mydestination"},
    {"use_ct_file", "postern needs no trusted users"},
    {"nouucp", "postern has no UUCP"},
    {"always_add_domain", "postern qualifies addresses with myorigin"},
    {"no_default_msa", "postern's services.conf lists its listeners"},
    {"msp", "postern's sendmail submits through postdrop"},
};

// FEATUREs whose tables migrate_maps converts.
const std::set<std::string, std::less<>> kConvertedTables = {"virtusertable", "mailertable", "genericstable",
                                                             "access_db", "domaintable"};

const std::set<std::string, std::less<>> kMapFeatures = {"virtusertable", "mailertable", "genericstable", "access_db",
                                                         "domaintable", "ldap_routing", "redirect", "authinfo",
                                                         "bitdomain", "uucpdomain", "blocklist_recipients",
                                                         "blacklist_recipients"};

void describe_feature(const McFile& mc, const McCall& c, Plan& plan) {
    std::string name = c.args.empty() ? std::string{} : c.args.front();
    std::string what = "FEATURE(" + join(c.args, ", ") + ")", src = where(mc.path, c.line);
    if (auto it = kFeaturesDone.find(name); it != kFeaturesDone.end())
        plan.add(src, what, Outcome::ConvertedWithNote, it->second);
    else if (kConvertedTables.count(name))
        plan.add(src, what, Outcome::ConvertedWithNote, "its table is converted: see the K line and table items");
    else if (kMapFeatures.count(name))
        plan.add(src, what, Outcome::NotConverted, "map conversion is not done by this version (not converted yet)");
    else if (name == "local_procmail")
        plan.add(src, what, Outcome::NotConverted, "procmail local delivery: postern delivers to the mailbox itself");
    else
        plan.add(src, what, Outcome::NotConverted, "no postern equivalent yet");
}

// The operand after mark ("$@" host or DSN, "$:" text) in a $# RHS, quotes
// removed; squeeze joins tokens the cf writes apart ("5 . 7 . 1").
std::string rhs_part(std::string_view rhs, std::string_view mark, bool squeeze) {
    auto at = rhs.find(mark);
    if (at == std::string_view::npos) return {};
    auto rest = trim(rhs.substr(at + mark.size()));
    rest = trim(rest.substr(0, rest.find(" $")));
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') rest = rest.substr(1, rest.size() - 2);
    std::string out(rest);
    if (squeeze) std::erase(out, ' ');
    return out;
}

// What a rule's right-hand side appears to do.
std::string rule_action(const CfRule& r) {
    const std::string& rhs = r.rhs;
    if (rhs.rfind("$#error", 0) == 0) {
        std::string dsn = rhs_part(rhs, "$@", true), text = rhs_part(rhs, "$:", false);
        return "rejects with \"" + text + "\"" + (dsn.empty() ? "" : " (" + dsn + ")");
    }
    if (rhs.rfind("$#discard", 0) == 0) return "discards the message";
    std::string mailer = rhs.rfind("$#", 0) == 0 ? lowercase(split_list(rhs.substr(2), " \t").front()) : "";
    if (mailer == "ok") return "accepts without further checks";
    if (mailer == "relay") return "allows relaying";
    if (!mailer.empty()) {
        std::string host = rhs_part(rhs, "$@", true);
        return "routes to mailer " + mailer + (host.empty() ? "" : " (host " + host + ")");
    }
    std::string effect = rhs.rfind("$@", 0) == 0 ? "returns a rewritten address" : "rewrites the address";
    if (auto call = rhs.find("$>"); call != std::string::npos)
        effect += ", calling rule set " + split_list(rhs.substr(call + 2), " \t").front();
    if (auto map = rhs.find("$("); map != std::string::npos)
        effect += ", looking up map " + split_list(rhs.substr(map + 2), " \t").front();
    return effect;
}

// "R$* < @ spam . test > $*" -> " for addresses at spam.test"
std::string rule_scope(const CfRule& r) {
    auto at = r.lhs.find("< @");
    if (at == std::string::npos) return {};
    auto end = r.lhs.find('>', at);
    std::string domain(trim(r.lhs.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3)));
    std::erase(domain, ' ');
    if (domain.empty() || domain.find('$') != std::string::npos) return {};
    return " for addresses at " + domain;
}

// When sendmail runs the rule set.
std::string ruleset_when(const CfRuleSet& rs) {
    static const std::map<std::string, std::string, std::less<>> kWhen = {
        {"check_mail", "at MAIL FROM"}, {"Local_check_mail", "at MAIL FROM"},
        {"check_rcpt", "at RCPT TO"}, {"Local_check_rcpt", "at RCPT TO"},
        {"check_relay", "on connect"}, {"Local_check_relay", "on connect"},
        {"ParseLocal", "when resolving recipients"}, {"0", "when resolving recipients"},
        {"98", "when resolving recipients"}, {"1", "on sender addresses"}, {"2", "on recipient addresses"},
        {"canonify", "on every address"}, {"3", "on every address"}};
    auto it = kWhen.find(rs.name);
    if (it == kWhen.end() && !rs.number.empty()) it = kWhen.find(rs.number);
    return it == kWhen.end() ? std::string{} : " " + it->second;
}

std::string rule_effect(const CfRuleSet& rs, const CfRule& r) {
    return rule_action(r) + rule_scope(r) + ruleset_when(rs);
}

// Hook rule sets that m4 leaves for the admin's LOCAL_RULE_n / LOCAL_RULESETS.
bool hook_ruleset(const CfRuleSet& rs) {
    return rs.name == "ParseLocal" || rs.number == "98" || rs.name.rfind("Local_", 0) == 0 || rs.name == "1" ||
           rs.name == "2";
}

// Rules m4 itself puts into the hooks (FEATURE(redirect) in ParseLocal).
bool generated_hook_rule(const CfRule& r) { return r.lhs.find(".REDIRECT.") != std::string::npos; }

}  // namespace

void describe_mc(const McFile& mc, Plan& plan) {
    for (const auto& c : mc.calls) {
        if (c.name == "divert" || c.name == "include" || c.name == "ifdef") continue;
        if (c.name == "FEATURE") {
            describe_feature(mc, c, plan);
            continue;
        }
        std::string what = c.name + "(" + join(c.args, ", ") + ")", src = where(mc.path, c.line);
        if (auto it = mc_rules().find(c.name); it != mc_rules().end())
            plan.add(src, what, it->second.outcome, it->second.note);
        else
            plan.add(src, what, Outcome::NotConverted, "m4 macro " + c.name + " is not known to postern-migrate");
    }
    for (const auto& s : mc.sections)
        for (const auto& [line, text] : s.lines)
            plan.add(where(mc.path, line), s.name + ": " + text, Outcome::NotConverted,
                     "hand-written cf in the .mc; convert it by hand");
    for (const auto& [line, why] : mc.errors) plan.add(where(mc.path, line), "m4 source", Outcome::NotConverted, why);
}

void describe_rules(const CfFile& cf, Plan& plan) {
    for (const auto& rs : cf.rulesets) {
        std::string what = "S" + rs.name + (rs.number.empty() ? "" : "=" + rs.number);
        bool hook = hook_ruleset(rs);
        std::size_t local = 0;
        for (const auto& r : rs.rules) {
            if (cf.m4_generated() && (!hook || generated_hook_rule(r))) continue;
            ++local;
            plan.add(where(cf.path, r.line), "R" + r.lhs + " " + r.rhs, Outcome::NotConverted,
                     "hand-written rule in rule set " + rs.name + ": " + rule_effect(rs, r));
        }
        if (cf.m4_generated() && local == 0)
            plan.add(where(cf.path, rs.line), what, Outcome::ConvertedWithNote,
                     "standard m4-generated rule set (" + std::to_string(rs.rules.size()) +
                         " rules): its behaviour follows from the FEATUREs and settings");
    }
}

}  // namespace postern::migrate
