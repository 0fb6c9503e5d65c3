// The sendmail flag table and a small getopt-style walker over it. Rows are
// sendmail 8.17's flags in sendmail(8) order; the comment on each says what
// postern makes of it (man/sendmail.1 has the same table).
#include "sendmail_options.hpp"

#include <cctype>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "sendmail_option_names.hpp"
#include "sendmail_queue_args.hpp"

namespace postern::sendmail {
namespace {

using Handler = std::optional<UsageError> (*)(Options&, std::string_view arg);

enum class Arg { None, Required, Attached };  // Attached: only the rest of the word ("-Qreason")

struct FlagSpec {
    char letter;
    Arg arg;
    Handler apply;
};

std::optional<UsageError> ok() { return std::nullopt; }

std::optional<UsageError> usage(std::string message) { return UsageError{std::move(message), ex::kUsage}; }

std::string strip_angles(std::string_view s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

struct ModeSpec {
    char letter;
    Mode mode;
};

constexpr ModeSpec kModes[] = {
    {'m', Mode::Deliver},      {'s', Mode::Smtp},         {'d', Mode::Daemon},
    {'D', Mode::DaemonForeground}, {'p', Mode::ListQueue}, {'i', Mode::RebuildAliases},
    {'v', Mode::Verify},       {'P', Mode::PrintStats},   {'h', Mode::HostStatus},
    {'H', Mode::PurgeHostStatus}, {'t', Mode::AddressTest}, {'C', Mode::CheckConfig},
};

std::optional<UsageError> set_mode(Options& o, std::string_view arg) {
    if (arg == "a") return usage("-ba (ARPANET protocol mode) is not supported");
    if (arg == "z") return usage("Frozen configurations unsupported");
    for (const auto& m : kModes) {
        if (arg.size() != 1 || arg[0] != m.letter) continue;
        o.mode = m.mode;
        return ok();
    }
    return usage("unknown mode -b" + std::string(arg));
}

std::optional<UsageError> set_sender(Options& o, std::string_view arg, char flag) {
    // sendmail: a second -f/-r is an error, not a silent override.
    if (o.sender) return usage("More than one \"from\" person");
    o.sender = strip_angles(trim(arg));
    o.sender_flag = flag;
    return ok();
}

std::optional<UsageError> set_notify(Options& o, std::string_view arg) {
    auto v = dsn_notify_value(arg);
    if (!v) return usage("Invalid -N argument");
    o.dsn_notify = *v;
    return ok();
}

std::optional<UsageError> set_ret(Options& o, std::string_view arg) {
    auto v = dsn_ret_value(arg);
    if (!v) return usage("Invalid -R value");
    o.dsn_ret = *v;
    return ok();
}

std::optional<UsageError> set_envid(Options& o, std::string_view arg) {
    if (!valid_envid(arg)) return usage("Invalid syntax in -V flag");
    o.dsn_envid = std::string(arg);
    return ok();
}

std::optional<UsageError> set_body_type(Options& o, std::string_view arg) {
    std::string v = lowercase(arg);
    if (v != "7bit" && v != "8bitmime") return usage("Illegal body type " + std::string(arg));
    o.body_type = v == "7bit" ? "7BIT" : "8BITMIME";
    return ok();
}

std::optional<UsageError> set_hop_count(Options&, std::string_view arg) {
    if (arg.empty() || arg.size() > 9) return usage("Bad hop count (" + std::string(arg) + ")");
    for (char c : arg)
        if (!std::isdigit(static_cast<unsigned char>(c))) return usage("Bad hop count (" + std::string(arg) + ")");
    return ok();  // cleanup counts the Received: headers itself
}

std::optional<UsageError> set_submit_config(Options&, std::string_view arg) {
    if (arg != "c" && arg != "m") return usage("Invalid -A argument: " + std::string(arg));
    return ok();  // postern has one configuration for submission and delivery
}

std::optional<UsageError> set_debug(Options& o, std::string_view arg) {
    // "-d0.1", "-d8.1-8.12,21": only the first category number is kept.
    int cat = 0;
    for (char c : arg) {
        if (!std::isdigit(static_cast<unsigned char>(c))) break;
        cat = cat * 10 + (c - '0');
        if (cat > 1000) break;
    }
    o.debug.push_back(cat);
    return ok();
}

// -C FILE: sendmail's alternate configuration. postern reads main.conf, so
// -C names a postern configuration directory, or its main.conf; anything
// else (a sendmail.cf) is refused. The directory carries no privilege:
// sendmail runs as the caller, and postdrop honours a non-default
// directory only as alternate_config_directories allows.
std::optional<UsageError> set_config_file(Options& o, std::string_view arg) {
    std::string path(arg);
    if (path.size() > 10 && path.ends_with("/main.conf")) path.resize(path.size() - 10);
    o.config_dir = path;
    return ok();
}

std::optional<UsageError> set_o_option(Options& o, std::string_view arg) {
    std::string warning;
    auto e = apply_letter_option(o, arg, warning);
    if (!warning.empty()) o.warnings.push_back(warning);
    return e;
}

std::optional<UsageError> set_O_option(Options& o, std::string_view arg) {
    std::string warning;
    auto e = apply_named_option(o, arg, warning);
    if (!warning.empty()) o.warnings.push_back(warning);
    return e;
}

std::optional<UsageError> ignore(Options&, std::string_view) { return ok(); }

constexpr FlagSpec kFlags[] = {
    {'A', Arg::Required, set_submit_config},  // -Ac/-Am: one config in postern
    {'B', Arg::Required, set_body_type},
    {'b', Arg::Required, set_mode},
    {'C', Arg::Required, set_config_file},
    {'c', Arg::Required, [](Options& o, std::string_view a) { o.config_dir = std::string(a); return ok(); }},
    {'D', Arg::Required, ignore},             // debug log file: there is no debug output
    {'d', Arg::Required, set_debug},
    {'F', Arg::Required, [](Options& o, std::string_view a) { o.full_name = std::string(a); return ok(); }},
    {'f', Arg::Required, [](Options& o, std::string_view a) { return set_sender(o, a, 'f'); }},
    {'G', Arg::None, ignore},                 // gateway submission: nothing is rewritten differently
    {'h', Arg::Required, set_hop_count},
    {'i', Arg::None, [](Options& o, std::string_view) { o.ignore_dots = true; return ok(); }},
    {'L', Arg::Required, ignore},             // syslog tag: postern logs as postern/sendmail
    {'N', Arg::Required, set_notify},
    {'n', Arg::None, [](Options& o, std::string_view) { o.no_aliasing = true; return ok(); }},
    {'O', Arg::Required, set_O_option},
    {'o', Arg::Required, set_o_option},
    {'p', Arg::Required, ignore},             // protocol name for Received: (postern writes its own)
    {'Q', Arg::Attached, [](Options& o, std::string_view a) { o.quarantine_reason = std::string(a); return ok(); }},
    {'R', Arg::Required, set_ret},
    {'r', Arg::Required, [](Options& o, std::string_view a) { return set_sender(o, a, 'r'); }},
    {'t', Arg::None, [](Options& o, std::string_view) { o.extract_recipients = true; return ok(); }},
    {'U', Arg::None, ignore},                 // "initial submission": every local submission is one
    {'V', Arg::Required, set_envid},
    {'v', Arg::None, [](Options& o, std::string_view) { o.verbose = true; return ok(); }},
    {'X', Arg::Required, [](Options& o, std::string_view a) { o.transcript_file = std::string(a); return ok(); }},
};

const FlagSpec* find_flag(char c) {
    for (const auto& f : kFlags)
        if (f.letter == c) return &f;
    return nullptr;
}

Mode mode_for_name(std::string_view name) {
    if (name == "mailq") return Mode::ListQueue;
    if (name == "newaliases") return Mode::RebuildAliases;
    if (name == "hoststat") return Mode::HostStatus;
    if (name == "purgestat") return Mode::PurgeHostStatus;
    return Mode::Deliver;
}

// Apply the bundled flags in args[i] ("-ti", "-fuser"); may consume args[i+1].
std::optional<UsageError> parse_cluster(const std::vector<std::string>& args, std::size_t& i, Options& o,
                                        bool& queue_run) {
    std::string_view word = args[i];
    for (std::size_t k = 1; k < word.size(); ++k) {
        if (word[k] == 'q') {
            queue_run = true;
            return parse_queue_flag(args, i, word.substr(k + 1), o);
        }
        const FlagSpec* spec = find_flag(word[k]);
        if (!spec) return usage("unknown option -" + std::string(1, word[k]));
        if (spec->arg == Arg::None) {
            if (auto e = spec->apply(o, {})) return e;
            continue;
        }
        std::string_view arg;
        if (k + 1 < word.size() || spec->arg == Arg::Attached) {
            arg = word.substr(k + 1);
        } else if (i + 1 < args.size()) {
            arg = args[++i];
        } else {
            return usage("option -" + std::string(1, word[k]) + " requires an argument");
        }
        return spec->apply(o, arg);
    }
    return ok();
}

std::optional<UsageError> check_bounds(const std::vector<std::string>& args) {
    if (args.size() > kMaxArgs) return usage("too many arguments (more than " + std::to_string(kMaxArgs) + ")");
    for (const auto& a : args)
        if (a.size() > kMaxArgLength)
            return usage("argument too long (" + std::to_string(a.size()) + " bytes, at most " +
                         std::to_string(kMaxArgLength) + ")");
    return ok();
}

// -Q and -q decide the mode unless a -b mode was given ("-bp -qRx" lists).
void settle_mode(Options& o, bool queue_run) {
    if (o.quarantine_reason) o.mode = Mode::Quarantine;
    else if (queue_run && o.mode == Mode::Deliver) o.mode = Mode::FlushQueue;
}

}  // namespace

std::optional<std::string> dsn_notify_value(std::string_view text) {
    std::string v = lowercase(text);
    bool never = false, other = false;
    for (std::string_view rest = v; !rest.empty();) {
        auto comma = rest.find(',');
        std::string_view word = trim(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        if (word == "never") never = true;
        else if (word == "success" || word == "failure" || word == "delay") other = true;
        else return std::nullopt;
    }
    if (never == other) return std::nullopt;  // empty, or NEVER with another value
    return v;
}

std::optional<std::string> dsn_ret_value(std::string_view text) {
    std::string v = lowercase(text);
    if (v == "full") return "FULL";
    if (v == "hdrs") return "HDRS";
    return std::nullopt;
}

bool valid_envid(std::string_view text) {
    if (text.empty() || text.size() > 100) return false;
    for (unsigned char c : text)
        if (c < 0x21 || c > 0x7e || c == '=') return false;
    return true;
}

std::string usage_line(std::string_view program) {
    return "usage: " + std::string(program) +
           " [-t] [-i] [-f sender] [-F full_name] [-C config] [-bm|-bs|-bp|-bi|-bv|-bt|-bP|-bh|-bH|-bd|-bD|-bC]"
           " [-N dsn] [-R ret] [-V envid] [-B type] [-o option] [-O option=value] [-X file]"
           " [-q[time]] [-q[!][R|S|I]substr] [-Q[reason]] [--] [recipient ...]";
}

ParseResult parse_args(const std::vector<std::string>& args) {
    Options o;
    if (!args.empty()) {
        std::string name = basename_of(args[0]);
        if (!name.empty()) o.program = name;
        o.mode = mode_for_name(o.program);
    }
    if (auto e = check_bounds(args)) return ParseResult{std::move(o), std::move(e)};
    bool queue_run = false;
    std::size_t i = 1;
    for (; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            ++i;
            break;
        }
        if (word.size() < 2 || word[0] != '-') break;  // first operand ends the options
        if (auto e = parse_cluster(args, i, o, queue_run)) return ParseResult{std::move(o), std::move(e)};
    }
    for (; i < args.size(); ++i) o.recipients.push_back(args[i]);
    settle_mode(o, queue_run);
    return ParseResult{std::move(o), std::nullopt};
}

}  // namespace postern::sendmail
