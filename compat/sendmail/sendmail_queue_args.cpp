// -q parsing (see the header).
#include "sendmail_queue_args.hpp"

#include <cctype>

#include "lib/base/sysexits.hpp"

namespace postern::sendmail {
namespace {

std::optional<UsageError> usage(std::string message) { return UsageError{std::move(message), ex::kUsage}; }

long long unit_seconds(char unit) {
    switch (unit) {
        case 's': return 1;
        case 'm': return 60;
        case 'h': return 3600;
        case 'd': return 86400;
        case 'w': return 7 * 86400;
        default: return 0;
    }
}

std::optional<UsageError> parse_filter(const std::vector<std::string>& args, std::size_t& i, std::string_view rest,
                                       Options& o) {
    QueueFilter f;
    if (rest.front() == '!') {
        f.negate = true;
        rest.remove_prefix(1);
        if (rest.empty()) return usage("option -q! requires R, S or I");
    }
    f.kind = static_cast<char>(std::toupper(static_cast<unsigned char>(rest.front())));
    std::string flag = std::string("-q") + (f.negate ? "!" : "") + f.kind;
    if (f.kind == 'G') return usage("-qG: postern has no queue groups");
    if (f.kind == 'Q') return usage(flag + ": postern keeps no quarantine reasons; held mail is in hold/ (-bp shows it, -Q releases it)");
    if (f.kind == 'L') return usage("-qL: postern has no lost queue items (damaged files are kept in corrupt/)");
    if (f.kind != 'R' && f.kind != 'S' && f.kind != 'I') return usage("option -q" + std::string(rest) + " is not supported");
    f.match = std::string(rest.substr(1));
    if (f.match.empty() && i + 1 < args.size()) f.match = args[++i];
    if (f.match.empty()) return usage("option " + flag + " requires an argument");
    o.queue_filters.push_back(std::move(f));
    return std::nullopt;
}

}  // namespace

std::optional<long long> parse_interval(std::string_view text) {
    if (text.empty()) return std::nullopt;
    long long total = 0;
    std::size_t k = 0;
    while (k < text.size()) {
        long long n = 0;
        std::size_t start = k;
        while (k < text.size() && std::isdigit(static_cast<unsigned char>(text[k]))) {
            n = n * 10 + (text[k++] - '0');
            if (n > 366LL * 86400) return std::nullopt;
        }
        if (k == start) return std::nullopt;
        long long unit = 60;  // sendmail's default unit for -q is minutes
        if (k < text.size()) {
            unit = unit_seconds(text[k++]);
            if (unit == 0) return std::nullopt;
        }
        total += n * unit;
        if (total > 366LL * 86400) return std::nullopt;
    }
    return total;
}

std::optional<UsageError> parse_queue_flag(const std::vector<std::string>& args, std::size_t& i,
                                           std::string_view rest, Options& o) {
    if (rest.empty() || rest == "f") return std::nullopt;
    if (rest.front() == 'p') rest.remove_prefix(1);  // persistent runner: the time follows
    if (rest.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(rest.front()))) {
        auto t = parse_interval(rest);
        if (!t) return usage("Invalid -q time \"" + std::string(rest) + "\"");
        o.queue_interval = *t;
        return std::nullopt;
    }
    return parse_filter(args, i, rest, o);
}

}  // namespace postern::sendmail
