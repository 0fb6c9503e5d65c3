// postern-paramdoc: prints the parameter table (params.def) as the plain-text
// reference installed with conf/ (--reference) or as the CONFIGURATION
// PARAMETERS section of postern.conf(5) (--man). Run at build time only, so
// the reference and the manual can never disagree with the parser.
//
//   postern-paramdoc --reference|--man [-o FILE]
#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>

#include "lib/base/sysexits.hpp"
#include "lib/config/params.hpp"

namespace {

using postern::config::ParamInfo;
using postern::config::Type;

bool is_bounded(Type t) { return t == Type::Int || t == Type::Time || t == Type::Size; }

std::string unit_of(Type t) { return t == Type::Time ? "s" : ""; }

// "string, default: /var/spool/postern" / "integer, default: 2048, range 512..1048576"
std::string summary(const ParamInfo& p) {
    std::string s(postern::config::type_name(p.type));
    s += ", default: ";
    s += p.default_value.empty() ? std::string("(empty)") : std::string(p.default_value);
    if (is_bounded(p.type)) {
        s += ", range " + std::to_string(p.min) + unit_of(p.type) + ".." + std::to_string(p.max) + unit_of(p.type);
    }
    return s;
}

void print_reference(std::ostream& out) {
    out << "postern main.conf parameters\n"
           "============================\n\n"
           "Generated from src/lib/config/params.def; see postern.conf(5) for the syntax.\n"
           "Time values take a unit s, m, h, d or w (default s); sizes are in bytes.\n";
    for (const auto& p : postern::config::all_params()) {
        out << "\n" << p.name << " (" << summary(p) << ")\n";
        out << "    " << p.description << "\n";
        out << "    Used by: " << p.users << "\n";
    }
}

// Make arbitrary text safe inside a troff paragraph.
std::string troff(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    // A control character at the start of a line would be read as a request.
    if (!out.empty() && (out.front() == '.' || out.front() == '\'')) out.insert(0, "\\&");
    return out;
}

void print_man(std::ostream& out) {
    out << ".SH \"CONFIGURATION PARAMETERS\"\n"
           "Every parameter below may be set in\n.BR main.conf .\n"
           "The list is generated from the same table the parser uses.\n";
    for (const auto& p : postern::config::all_params()) {
        out << ".TP\n\\fB" << troff(p.name) << "\\fR (" << troff(summary(p)) << ")\n";
        out << troff(p.description) << "\n";
        out << ".br\nUsed by: " << troff(p.users) << ".\n";
    }
}

struct Format {
    std::string_view flag;
    void (*print)(std::ostream&);
};

constexpr std::array<Format, 2> kFormats{{
    {"--reference", print_reference},
    {"--man", print_man},
}};

int usage() {
    std::cerr << "usage: postern-paramdoc --reference|--man [-o FILE]\n";
    return postern::ex::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2 && argc != 4) return usage();
    const Format* format = nullptr;
    for (const auto& f : kFormats) {
        if (argv[1] == f.flag) format = &f;
    }
    if (format == nullptr || (argc == 4 && std::string_view(argv[2]) != "-o")) return usage();
    if (argc == 2) {
        format->print(std::cout);
        return std::cout.flush() ? 0 : postern::ex::kIoErr;
    }
    // Write beside the target and rename, so an interrupted build leaves no
    // half-written page that looks up to date.
    const std::string path = argv[3];
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        format->print(out);
        if (!out.flush()) {
            std::cerr << "postern-paramdoc: " << tmp << ": write failed\n";
            return postern::ex::kCantCreat;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::perror(("postern-paramdoc: " + path).c_str());
        return postern::ex::kCantCreat;
    }
    return 0;
}
