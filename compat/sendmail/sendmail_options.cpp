// The sendmail flag table and a small getopt-style walker over it. Flags
// that only tune sendmail's own queue runner (-odb, -oem, -O...) are
// accepted silently, as Postfix does, so that existing callers keep working.
#include "sendmail_options.hpp"

#include <cctype>

#include "lib/base/safe_file.hpp"
#include "lib/base/sysexits.hpp"

namespace postern::sendmail {
namespace {

using Handler = std::optional<UsageError> (*)(Options&, std::string_view arg);

struct FlagSpec {
    char letter;
    bool takes_arg;
    Handler apply;
};

std::optional<UsageError> ok() { return std::nullopt; }

std::string strip_angles(std::string_view s) {
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
    return std::string(s);
}

struct ModeSpec {
    char letter;
    bool supported;
    Mode mode;
};

// -b modes: the ones this version implements, then sendmail modes that
// arrive later (refused as "not supported yet" rather than "unknown").
constexpr ModeSpec kModes[] = {
    {'m', true, Mode::Deliver},   {'p', true, Mode::ListQueue}, {'i', true, Mode::RebuildAliases},
    {'s', false, Mode::Deliver},  {'d', false, Mode::Deliver},  {'D', false, Mode::Deliver},
    {'v', false, Mode::Deliver},  {'t', false, Mode::Deliver},  {'h', false, Mode::Deliver},
    {'H', false, Mode::Deliver},  {'P', false, Mode::Deliver},
};

std::optional<UsageError> set_mode(Options& o, std::string_view arg) {
    for (const auto& m : kModes) {
        if (arg.size() != 1 || arg[0] != m.letter) continue;
        if (!m.supported)
            return UsageError{"mode -b" + std::string(arg) + " is not supported yet", ex::kUnavailable};
        o.mode = m.mode;
        return ok();
    }
    return UsageError{"unknown mode -b" + std::string(arg), ex::kUsage};
}

std::optional<UsageError> set_sender(Options& o, std::string_view arg) {
    o.sender = strip_angles(arg);
    return ok();
}

std::optional<UsageError> set_full_name(Options& o, std::string_view arg) {
    o.full_name = std::string(arg);
    return ok();
}

std::optional<UsageError> set_config_dir(Options& o, std::string_view arg) {
    o.config_dir = std::string(arg);
    return ok();
}

std::optional<UsageError> refuse_config_file(Options&, std::string_view) {
    return UsageError{"-C FILE is not supported yet; choose the instance with -c DIR or POSTERN_CONFIG_DIR",
                      ex::kUsage};
}

// -oi is the only -o option with an effect; the rest (-odb, -oem, -oA...)
// concern sendmail's own delivery and are accepted for compatibility.
std::optional<UsageError> set_o_option(Options& o, std::string_view arg) {
    if (arg == "i") o.ignore_dots = true;
    return ok();
}

std::optional<UsageError> accept_arg(Options&, std::string_view) { return ok(); }

constexpr FlagSpec kFlags[] = {
    {'t', false, [](Options& o, std::string_view) { o.extract_recipients = true; return ok(); }},
    {'i', false, [](Options& o, std::string_view) { o.ignore_dots = true; return ok(); }},
    {'v', false, [](Options& o, std::string_view) { o.verbose = true; return ok(); }},
    {'f', true, set_sender},
    {'r', true, set_sender},
    {'F', true, set_full_name},
    {'b', true, set_mode},
    {'c', true, set_config_dir},
    {'C', true, refuse_config_file},
    {'o', true, set_o_option},
    {'O', true, accept_arg},
    {'N', true, [](Options& o, std::string_view a) { o.dsn_notify = std::string(a); return ok(); }},
    {'R', true, [](Options& o, std::string_view a) { o.dsn_ret = std::string(a); return ok(); }},
    {'V', true, [](Options& o, std::string_view a) { o.dsn_envid = std::string(a); return ok(); }},
    {'B', true, [](Options& o, std::string_view a) { o.body_type = std::string(a); return ok(); }},
    {'h', true, accept_arg},   // hop count: cleanup counts Received: headers instead
    {'L', true, accept_arg},   // syslog tag
    {'G', false, [](Options&, std::string_view) { return ok(); }},  // gateway submission
    {'n', false, [](Options&, std::string_view) { return ok(); }},  // no aliasing
};

const FlagSpec* find_flag(char c) {
    for (const auto& f : kFlags)
        if (f.letter == c) return &f;
    return nullptr;
}

Mode mode_for_name(std::string_view name) {
    if (name == "mailq") return Mode::ListQueue;
    if (name == "newaliases") return Mode::RebuildAliases;
    return Mode::Deliver;
}

// -q[time], -qRsubstr, -qSsubstr, -qIsubstr (also "-qR substr"): the rest
// of the word belongs to -q. A time ("-q30m": sendmail's periodic runs) is
// accepted and ignored: qmgr retries on its own; this flushes once.
std::optional<UsageError> parse_queue_run(const std::vector<std::string>& args, std::size_t& i,
                                          std::string_view rest, Options& o) {
    o.mode = Mode::FlushQueue;
    if (rest.empty() || std::isdigit(static_cast<unsigned char>(rest[0]))) return ok();
    char sel = static_cast<char>(std::toupper(static_cast<unsigned char>(rest[0])));
    if (sel != 'R' && sel != 'S' && sel != 'I')
        return UsageError{"option -q" + std::string(rest) + " is not supported", ex::kUsage};
    o.queue_select = sel;
    o.queue_match = std::string(rest.substr(1));
    if (o.queue_match.empty() && i + 1 < args.size()) o.queue_match = args[++i];
    if (o.queue_match.empty()) return UsageError{"option -q" + std::string(1, sel) + " requires an argument", ex::kUsage};
    return ok();
}

// Apply the bundled flags in args[i] ("-ti", "-fuser"); may consume args[i+1].
std::optional<UsageError> parse_cluster(const std::vector<std::string>& args, std::size_t& i, Options& o) {
    std::string_view word = args[i];
    for (std::size_t k = 1; k < word.size(); ++k) {
        if (word[k] == 'q') return parse_queue_run(args, i, word.substr(k + 1), o);
        const FlagSpec* spec = find_flag(word[k]);
        if (!spec) return UsageError{"unknown option -" + std::string(1, word[k]), ex::kUsage};
        if (!spec->takes_arg) {
            if (auto e = spec->apply(o, {})) return e;
            continue;
        }
        std::string_view arg;
        if (k + 1 < word.size()) {
            arg = word.substr(k + 1);
        } else if (i + 1 < args.size()) {
            arg = args[++i];
        } else {
            return UsageError{"option -" + std::string(1, word[k]) + " requires an argument", ex::kUsage};
        }
        return spec->apply(o, arg);
    }
    return ok();
}

}  // namespace

std::string usage_line(std::string_view program) {
    return "usage: " + std::string(program) +
           " [-t] [-i] [-f sender] [-F full_name] [-c config_dir] [-bm|-bp|-bi] [-N dsn] [-R ret] [-V envid]"
           " [-q[R|S|I]substr]"
           " [--] [recipient ...]";
}

ParseResult parse_args(const std::vector<std::string>& args) {
    Options o;
    if (!args.empty()) {
        std::string name = basename_of(args[0]);
        if (!name.empty()) o.program = name;
        o.mode = mode_for_name(o.program);
    }
    std::size_t i = 1;
    for (; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            ++i;
            break;
        }
        if (word.size() < 2 || word[0] != '-') break;  // first operand ends the options
        if (auto e = parse_cluster(args, i, o)) return ParseResult{std::move(o), std::move(e)};
    }
    for (; i < args.size(); ++i) o.recipients.push_back(args[i]);
    return ParseResult{std::move(o), std::nullopt};
}

}  // namespace postern::sendmail
