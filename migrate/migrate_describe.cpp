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
        {"VIRTUSER_DOMAIN", {Outcome::NotConverted, "virtusertable conversion not done yet"}},
        {"VIRTUSER_DOMAIN_FILE", {Outcome::NotConverted, "virtusertable conversion not done yet"}},
        {"GENERICS_DOMAIN", {Outcome::NotConverted, "genericstable conversion not done yet"}},
        {"GENERICS_DOMAIN_FILE", {Outcome::NotConverted, "genericstable conversion not done yet"}},
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

const std::set<std::string, std::less<>> kMapFeatures = {"virtusertable", "mailertable", "genericstable", "access_db",
                                                         "domaintable", "ldap_routing", "redirect", "authinfo",
                                                         "bitdomain", "uucpdomain", "blocklist_recipients",
                                                         "blacklist_recipients"};

void describe_feature(const McFile& mc, const McCall& c, Plan& plan) {
    std::string name = c.args.empty() ? std::string{} : c.args.front();
    std::string what = "FEATURE(" + join(c.args, ", ") + ")", src = where(mc.path, c.line);
    if (auto it = kFeaturesDone.find(name); it != kFeaturesDone.end())
        plan.add(src, what, Outcome::ConvertedWithNote, it->second);
    else if (kMapFeatures.count(name))
        plan.add(src, what, Outcome::NotConverted, "map conversion is not done by this version (not converted yet)");
    else if (name == "local_procmail")
        plan.add(src, what, Outcome::NotConverted, "procmail local delivery: postern delivers to the mailbox itself");
    else
        plan.add(src, what, Outcome::NotConverted, "no postern equivalent yet");
}

// What a rule's right-hand side appears to do.
std::string rule_effect(const CfRule& r) {
    const std::string& rhs = r.rhs;
    if (rhs.rfind("$#error", 0) == 0) return "rejects: " + std::string(trim(rhs.substr(7)));
    if (rhs.rfind("$#discard", 0) == 0) return "discards the message";
    if (rhs.rfind("$#", 0) == 0) return "routes to mailer " + split_list(rhs.substr(2), " \t").front();
    if (rhs.rfind("$@", 0) == 0) return "returns a rewritten address";
    return "rewrites the address";
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
                     "hand-written rule in rule set " + rs.name + ": " + rule_effect(r));
        }
        if (cf.m4_generated() && local == 0)
            plan.add(where(cf.path, rs.line), what, Outcome::ConvertedWithNote,
                     "standard m4-generated rule set (" + std::to_string(rs.rules.size()) +
                         " rules): its behaviour follows from the FEATUREs and settings");
    }
}

}  // namespace postern::migrate
