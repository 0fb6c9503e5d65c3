// Class members and the items for cf elements that become no setting.
#include <map>
#include <set>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "migrate_config_detail.hpp"
#include "migrate_maps.hpp"

namespace postern::migrate {
namespace {

void add_word(std::vector<ClassMember>& out, std::size_t line, std::string_view word) {
    if (word.empty() || word.find('$') != std::string_view::npos) return;
    for (const auto& m : out)
        if (iequals(m.name, word)) return;
    out.push_back({line, lowercase(word)});
}

void read_class_file(const CfFile& cf, const CfContext& ctx, const CfEntry& f, std::vector<ClassMember>& out,
                     Plan& plan) {
    auto words = split_list(f.value, " \t");
    bool optional = !words.empty() && words.front() == "-o";
    if (optional) words.erase(words.begin());
    std::string src = where(cf.path, f.line), what = "F" + f.name + f.value;
    if (words.empty() || words.front()[0] != '/')
        return plan.add(src, what, Outcome::NotConverted, "class from a program or an unusual path; convert it by hand");
    auto text = read_file(ctx.root + words.front(), ctx.max_file_size);
    if (!text) {
        return plan.add(src, what, optional ? Outcome::ConvertedWithNote : Outcome::NotConverted,
                        optional ? "optional file absent" : text.error().message);
    }
    std::size_t before = out.size();
    for (const auto& line : split_list(*text, "\n")) {
        auto t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        add_word(out, f.line, split_list(t, " \t").front());
    }
    plan.add(src, what, Outcome::Converted,
             std::to_string(out.size() - before) + " name(s) read from " + words.front());
}

std::string mailer_note(const CfMailer& m, Outcome& outcome) {
    static const std::set<std::string, std::less<>> kSmtp = {"smtp", "esmtp", "smtp8", "dsmtp", "relay"};
    auto path = m.fields.count("P") ? m.fields.at("P") : std::string{};
    outcome = Outcome::ConvertedWithNote;
    if (kSmtp.count(m.name)) return "postern's smtp transport";
    if (m.name == "prog") return "postern's local runs |commands from aliases and .forward itself";
    if (m.name == "local" && path.find("procmail") != std::string::npos) {
        outcome = Outcome::NotConverted;
        return "local delivery went through procmail (" + path + "); postern delivers to the mailbox itself, "
               "so users' .procmailrc recipes would no longer run";
    }
    if (m.name == "local") return "postern's local transport";
    outcome = Outcome::NotConverted;
    return "no postern transport for mailer " + m.name + " (" + path + ")";
}

const std::set<std::string, std::less<>> kInternalMaps = {"host", "arith", "macro", "dequote", "stab", "bestmx",
                                                          "syslog", "dns", "regex", "socket", "nullclient"};
const std::set<std::string, std::less<>> kAddedHeaders = {"return-path", "received", "resent-date", "date",
                                                          "resent-from", "from", "full-name", "resent-message-id",
                                                          "message-id", "x-authentication-warning"};
// Classes the table conversion reads (VirtHost, G) or postern needs no
// equivalent for (t, trusted users).
const std::map<std::string, std::string, std::less<>> kTableClasses = {
    {"VirtHost", "virtual domains: virtusertable keys in them are converted"},
    {"G", "generics domains: genericstable keys in them are converted"},
    {"t", "trusted users: postern needs none (the envelope sender any user sets is logged with the uid)"},
};
const std::set<std::string, std::less<>> kInternalClasses = {"P", "O", ".", "[", "Accept", "ResOk", "Tls",
                                                             "TlsVerified", "e", "B", "Y", "m", "N", "w", "R"};

void describe_maps(const CfFile& cf, Plan& plan) {
    for (const auto& k : cf.maps) {
        auto type = split_list(k.value, " \t");
        std::string t = type.empty() ? std::string{} : type.front();
        std::string src = where(cf.path, k.line), what = "K" + k.name + " " + k.value;
        if (table_map_name(k.name)) continue;  // the table conversion's items
        if (kInternalMaps.count(t))
            plan.add(src, what, Outcome::ConvertedWithNote, "sendmail-internal " + t + " map, nothing to convert");
        else
            plan.add(src, what, Outcome::NotConverted,
                     t + " map: lookup-table conversion is not done by this version (not converted yet)");
    }
}

// "$={VirtHost}" or "$=w" inside a class line: the name of another class.
std::string included_class(std::string_view word) {
    if (word.rfind("$=", 0) != 0 || word.size() < 3) return {};
    std::string_view rest;
    std::string name = cf_name(word.substr(2), rest);
    return rest.empty() ? name : std::string{};
}

}  // namespace

std::vector<ClassMember> class_members(const CfFile& cf, const CfContext& ctx, std::string_view name, Plan& plan,
                                       int depth) {
    std::vector<ClassMember> out;
    for (const auto& c : cf.classes) {
        if (c.name != name) continue;
        for (const auto& w : split_list(c.value, " \t\n")) {
            // CR$={VirtHost}: m4 adds the virtual domains to the relay domains.
            if (auto inner = included_class(w); !inner.empty() && depth < 4) {
                Plan quiet;  // the inner class's F lines are items of their own
                for (const auto& m : class_members(cf, ctx, inner, quiet, depth + 1)) add_word(out, c.line, m.name);
            }
            add_word(out, c.line, w);
        }
    }
    for (const auto& f : cf.class_files)
        if (f.name == name) read_class_file(cf, ctx, f, out, plan);
    return out;
}

std::vector<ClassMember> local_domains(const CfFile& cf, const CfContext& ctx, Plan& plan) {
    auto all = class_members(cf, ctx, "w", plan);
    std::vector<ClassMember> out;
    for (auto& m : all)
        if (m.name != "localhost") out.push_back(std::move(m));
    return out;
}

std::vector<std::string> names_of(const std::vector<ClassMember>& members) {
    std::vector<std::string> out;
    for (const auto& m : members) out.push_back(m.name);
    return out;
}

void describe_cf_rest(const CfFile& cf, Plan& plan) {
    for (const auto& c : cf.classes) {
        std::string src = where(cf.path, c.line), what = "C" + (c.name.size() == 1 ? c.name : "{" + c.name + "}") + c.value;
        if ((c.name == "w" || c.name == "R") && c.value.find('$') != std::string::npos &&
            included_class(trim(c.value)).empty())
            plan.add(src, what, Outcome::NotConverted, "names another class or a macro; not converted yet");
        else if (c.name == "w" || c.name == "R")
            plan.add(src, what, Outcome::Converted,
                     c.name == "w" ? "part of mydestination" : "part of relay_domains");
        else if (c.name == "E")
            plan.add(src, what, Outcome::NotConverted, "exposed users: masquerading is not available in postern yet");
        else if (kTableClasses.count(c.name))
            plan.add(src, what, Outcome::ConvertedWithNote, kTableClasses.at(c.name));
        else if (kInternalClasses.count(c.name))
            plan.add(src, what, Outcome::ConvertedWithNote, "sendmail-internal class");
        else
            plan.add(src, what, Outcome::NotConverted, "class " + c.name + " has no postern equivalent yet");
    }
    for (const auto& f : cf.class_files) {
        if (f.name == "w" || f.name == "R") continue;
        bool known = kTableClasses.count(f.name) != 0;
        plan.add(where(cf.path, f.line), "F" + f.name + f.value, known ? Outcome::ConvertedWithNote : Outcome::NotConverted,
                 known ? kTableClasses.at(f.name) : "class " + f.name + " has no postern equivalent yet");
    }
    describe_maps(cf, plan);
    for (const auto& m : cf.mailers) {
        Outcome o;
        std::string note = mailer_note(m, o);
        plan.add(where(cf.path, m.line), "M" + m.name, o, note);
    }
    for (const auto& h : cf.headers) {
        std::string what = "H" + (h.flags.empty() ? std::string{} : "?" + h.flags + "?") + h.name + ": " + h.value;
        if (kAddedHeaders.count(lowercase(h.name)))
            plan.add(where(cf.path, h.line), what, Outcome::ConvertedWithNote, "postern adds this header itself");
        else
            plan.add(where(cf.path, h.line), what, Outcome::NotConverted, "postern has no header templates yet");
    }
    for (const auto& t : cf.trusted)
        plan.add(where(cf.path, t.line), "T" + t.value, Outcome::ConvertedWithNote,
                 "postern needs no trusted users: the envelope sender any user sets is logged with the uid");
    for (const auto& e : cf.errors)
        plan.add(where(cf.path, e.line), e.name, Outcome::NotConverted, "not understood: " + e.value);
}

}  // namespace postern::migrate
