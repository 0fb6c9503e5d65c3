// -bv and -bt (see the header).
#include "sendmail_verify.hpp"

#include <unistd.h>

#include "lib/base/line_reader.hpp"
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/resolve/resolve_expand.hpp"
#include "lib/resolve/resolve_route.hpp"
#include "maps/alias_source.hpp"
#include "maps/map_list.hpp"
#include "sendmail_submit.hpp"

namespace postern::sendmail {
namespace {

constexpr std::size_t kMaxTestLine = 2048;

// Everything one resolution needs, loaded once per command.
struct Resolver {
    resolve::RoutingTable routes;
    resolve::AliasMaps aliases;
    resolve::ExpandContext ctx;
    bool verbose = false;
};

std::vector<std::string> alias_maps_for(const Options& o, const config::Config& cfg) {
    if (o.no_aliasing) return {};
    if (!o.alias_file) return cfg.get(config::params::alias_maps);
    // -oA: sendmail's AliasFile is "[type:]path"; a bare path is text.
    const std::string& a = *o.alias_file;
    return {a.find(':') == std::string::npos || a.front() == '/' ? "texthash:" + a : a};
}

Resolver make_resolver(const Options& o, const config::Config& cfg) {
    namespace p = config::params;
    Resolver r;
    r.verbose = o.verbose;
    r.routes = resolve::RoutingTable::from_config(cfg);
    r.aliases = resolve::load_alias_maps(alias_maps_for(o, cfg), cfg.get(p::alias_file_size_limit),
                                         static_cast<std::size_t>(cfg.get(p::alias_entry_length_limit)),
                                         maps::alias_opener(maps::options_from(cfg)));
    auto& c = r.ctx;
    c.users.mail_spool_directory = cfg.get(p::mail_spool_directory);
    c.users.mbox = lowercase(cfg.get(p::mailbox_format)) != "maildir";
    c.users.user_instance = cfg.get(p::user_instance);
    c.users.recipient_delimiter = cfg.get(p::recipient_delimiter);
    c.aliases = &r.aliases;
    for (const auto& d : cfg.get(p::mydestination)) c.local_domains.push_back(resolve::normalize_domain(d));
    c.forward_path = cfg.get(p::forward_path);
    if (auto privs = lookup_user(cfg.get(p::default_privs))) c.default_privs = *privs;
    c.max_depth = static_cast<std::size_t>(cfg.get(p::alias_expansion_depth_limit));
    c.max_destinations = static_cast<std::size_t>(cfg.get(p::alias_expansion_recipient_limit));
    c.max_entry = static_cast<std::size_t>(cfg.get(p::alias_entry_length_limit));
    return r;
}

// sendmail's mailer name for a postern transport.
std::string mailer_name(const std::string& transport) { return transport == "smtp" ? "esmtp" : transport; }

void print_remote(std::FILE* out, const std::string& prefix, const std::string& address, const resolve::Route& route) {
    std::fprintf(out, "%s... deliverable: mailer %s, host %s, user %s\n", prefix.c_str(),
                 mailer_name(route.transport).c_str(), route.nexthop.c_str(), address.c_str());
}

// sendmail shows a command as its user "|cmd", quoted when it holds white
// space or an address special.
std::string command_user(const std::string& command) {
    bool quote = command.find_first_of(" \t()<>,;:\\\"@[]") != std::string::npos;
    return quote ? "\"|" + command + "\"" : "|" + command;
}

// "nosuch... User unknown" (the name an alias led to when prefix is ""),
// else "addr... TEXT" with the error's own text.
void print_error(std::FILE* out, std::string prefix, const resolve::FinalDestination& d) {
    constexpr std::string_view kUnknown = "unknown user: ";
    bool unknown = d.dsn == "5.1.1" && d.value.rfind(kUnknown, 0) == 0;
    if (prefix.empty()) prefix = unknown ? d.value.substr(kUnknown.size()) : d.chain.back().name;
    std::fprintf(out, "%s... %s\n", prefix.c_str(), unknown ? "User unknown" : log::printable(d.value, 512).c_str());
}

// One final destination; returns false for an error destination.
bool print_destination(const Resolver& r, std::FILE* out, const std::string& input,
                       const resolve::FinalDestination& d) {
    using K = resolve::DestinationKind;
    bool top = d.chain.empty();
    switch (d.kind) {
        case K::Mailbox:
            std::fprintf(out, "%s... deliverable: mailer local, user %s\n", (top ? input : d.value).c_str(),
                         d.value.c_str());
            break;
        case K::File:
            std::fprintf(out, "%s... deliverable: mailer *file*, user %s\n", d.value.c_str(), d.value.c_str());
            break;
        case K::Command:
            std::fprintf(out, "\"|%s\"... deliverable: mailer prog, user %s\n", d.value.c_str(),
                         command_user(d.value).c_str());
            break;
        case K::Remote:
            print_remote(out, d.value, d.value, resolve::resolve_recipient(d.value, r.routes));
            break;
        case K::Error: print_error(out, top ? input : "", d); break;
    }
    if (r.verbose && !top) std::fprintf(out, "\t(via %s)\n", resolve::describe_chain(d).c_str());
    return d.kind != K::Error;
}

// The -bv lines for one address; returns its sysexits code.
int verify_one(const Resolver& r, std::FILE* out, const std::string& address) {
    auto route = resolve::resolve_recipient(address, r.routes);
    if (route.transport != r.routes.local_transport) {
        print_remote(out, address, address, route);
        return ex::kOk;
    }
    auto dests = resolve::expand_recipient(address, r.ctx);
    if (!dests) {
        std::fprintf(out, "%s... Transient failure: %s\n", address.c_str(), dests.error().message.c_str());
        return ex::kTempFail;
    }
    int rc = ex::kOk;
    for (const auto& d : *dests)
        if (!print_destination(r, out, address, d)) rc = ex::kNoUser;
    return rc;
}

// Worst first: a temporary failure, then an unknown user.
int combine(int a, int b) {
    if (a == ex::kTempFail || b == ex::kTempFail) return ex::kTempFail;
    return a != ex::kOk ? a : b;
}

int check_tables(const Resolver& r, const Options& o) {
    if (!r.aliases.error) return ex::kOk;
    std::fprintf(stderr, "%s: alias tables: %s\n", o.program.c_str(), r.aliases.error->message.c_str());
    return ex::kTempFail;
}

// The address of a -bt input line: the text after an optional rule-set
// list ("3,0") or command ("/parse"); "" when there is none.
std::string test_line_address(std::string_view line) {
    line = trim(line);
    // sendmail's other test commands (/map, /tryflags, =S, -d, .D...) have
    // nothing to resolve.
    if (line.front() == '=' || line.front() == '-' || line.front() == '.') return "";
    auto sp = line.find_first_of(" \t");
    std::string_view first = line.substr(0, sp);
    if (first.front() == '/') return first == "/parse" && sp != std::string_view::npos ? std::string(trim(line.substr(sp))) : "";
    if (sp == std::string_view::npos) return std::string(line);
    bool ruleset = first.find_first_not_of("0123456789,") == std::string_view::npos;
    return std::string(ruleset ? trim(line.substr(sp)) : line);
}

}  // namespace

int verify_addresses(const Options& o, const config::Config& cfg, std::FILE* out) {
    if (o.recipients.empty()) {
        std::fprintf(stderr, "Recipient names must be specified\n");
        return ex::kUsage;
    }
    auto addresses = recipients_from_operands(o.recipients);
    if (!addresses) {
        std::fprintf(out, "%s\n", addresses.error().message.c_str());
        return ex::kUsage;
    }
    Resolver r = make_resolver(o, cfg);
    if (int rc = check_tables(r, o); rc != ex::kOk) return rc;
    int rc = ex::kOk;
    for (const auto& a : *addresses) rc = combine(rc, verify_one(r, out, a));
    return rc;
}

int verify_addresses(const Options& o, const config::Config& cfg) { return verify_addresses(o, cfg, stdout); }

int address_test(const Options& o, const config::Config& cfg, int in_fd, std::FILE* out) {
    Resolver r = make_resolver(o, cfg);
    if (int rc = check_tables(r, o); rc != ex::kOk) return rc;
    std::fprintf(out,
                 "ADDRESS TEST MODE (postern: sendmail rule sets cannot be run here; each address is shown\n"
                 "as postern resolves and delivers it, as with -bv)\n"
                 "Enter <ruleset> <address>\n");
    LineReader reader(in_fd, kMaxTestLine);
    std::string line;
    for (;;) {
        std::fprintf(out, "> ");
        std::fflush(out);
        auto st = reader.read(line);
        if (st == LineReader::Status::TooLong) {
            reader.skip_rest();
            std::fprintf(out, "line too long (at most %zu bytes)\n", kMaxTestLine);
            continue;
        }
        if (st != LineReader::Status::Line) break;
        std::string_view text = trim(line);
        if (text.empty() || text.front() == '#') continue;
        if (text == "/quit") break;
        std::string address = test_line_address(text);
        if (address.empty()) {
            std::fprintf(out, "(postern: no rule sets or test commands; enter an address)\n");
            continue;
        }
        auto list = recipients_from_operands({address});
        if (!list) {
            std::fprintf(out, "%s\n", list.error().message.c_str());
            continue;
        }
        for (const auto& a : *list) verify_one(r, out, a);
    }
    std::fprintf(out, "\n");
    return ex::kOk;
}

int address_test(const Options& o, const config::Config& cfg) { return address_test(o, cfg, STDIN_FILENO, stdout); }

}  // namespace postern::sendmail
