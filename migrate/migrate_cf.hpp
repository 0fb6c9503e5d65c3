// sendmail.cf reader: the configuration language as data, every element with
// its line number. Reads bytes; nothing is decoded. Continuation lines (a
// line starting with a space or tab) join the line before, as sendmail's
// readcf does; "#" lines and blank lines are skipped.
//
//   Dx / D{name}   macro          Cx / C{name}  class words
//   Fx / F{name}   class file     O Name=value  option (long names; the old
//   K              map            one-letter form is kept as name "x")
//   M              mailer         H[?flags?]Name: value   header
//   T              trusted users  S / R         rule sets and rules
//   V              cf version     P, E, L, G    kept as "other"
//
// m4-generated files carry "#####  $Id: NAME.m4,v ..." markers for each
// piece the m4 macros included (proto.m4, the FEATUREs, OSTYPE, mailers);
// they tell a generated file from a hand-written one.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace postern::migrate {

struct CfEntry {
    std::size_t line = 0;
    std::string name;   // macro/class/option/map/mailer/header/rule set name
    std::string value;  // the rest (macro value, class words, option value, map spec ...)
};

struct CfHeader {
    std::size_t line = 0;
    std::string flags;  // between the ?..? (empty: unconditional)
    std::string name;
    std::string value;
};

struct CfRule {
    std::size_t line = 0;
    std::string lhs, rhs, comment;
};

struct CfRuleSet {
    std::size_t line = 0;
    std::string name;    // "canonify", "98" ...
    std::string number;  // "3" for "Scanonify=3", may be empty
    std::vector<CfRule> rules;
};

struct CfMailer {
    std::size_t line = 0;
    std::string name;
    std::map<std::string, std::string> fields;  // "P" -> "[IPC]", "F" -> "mDFMuX" ...
};

struct CfFile {
    std::string path;
    std::string version;                 // V line
    std::vector<std::string> m4_pieces;  // "proto", "virtusertable", "linux" ... ($Id markers)
    std::size_t m4_marker_line = 0;      // line of the proto.m4 marker (0: none)
    std::vector<CfEntry> macros, classes, class_files, options, maps, trusted, other;
    std::vector<CfHeader> headers;
    std::vector<CfMailer> mailers;
    std::vector<CfRuleSet> rulesets;
    std::vector<CfEntry> errors;         // lines the reader did not understand

    bool m4_generated() const { return m4_marker_line != 0; }
    bool has_piece(std::string_view name) const;
    const CfEntry* option(std::string_view name) const;  // last one wins, as in sendmail
    const CfEntry* macro(std::string_view name) const;
    const CfMailer* mailer(std::string_view name) const;
    std::vector<std::string> class_words(std::string_view name) const;
};

CfFile parse_cf(std::string_view text, std::string path);

// "x" for "x...", "name" for "{name}..."; rest gets what follows.
std::string cf_name(std::string_view s, std::string_view& rest);

}  // namespace postern::migrate
