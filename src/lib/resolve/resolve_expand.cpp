// The local expansion engine (see the header for the rules).
#include "lib/resolve/resolve_expand.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "lib/base/log.hpp"
#include "lib/base/logical_lines.hpp"
#include "lib/base/strings.hpp"
#include "lib/resolve/resolve_alias_grammar.hpp"
#include "lib/resolve/resolve_files.hpp"

namespace postern::resolve {
namespace {

constexpr std::string_view kInclude = ":include:";
constexpr std::string_view kError = "error:";

// Who controls the entries being expanded: they are read as read_as and
// their commands and files run as run_as; restricted: no commands or files.
struct Control {
    Identity read_as;
    Identity run_as;
    bool restricted = false;
    bool user_controlled = false;  // a .forward or an include reached from one
};

bool is_dsn(std::string_view s) {
    return s.size() >= 5 && (s[0] == '4' || s[0] == '5') && s[1] == '.' && s.find_first_not_of("0123456789.") ==
                                                                              std::string_view::npos;
}

// "error:5.1.1:550 text", "error:550 text", "error:text" -> dsn, code, text.
FinalDestination error_target(std::string_view spec) {
    FinalDestination d;
    d.kind = DestinationKind::Error;
    d.dsn = "5.0.0";
    d.smtp_code = 550;
    std::string_view rest = trim(spec);
    if (auto colon = rest.find(':'); colon != std::string_view::npos && is_dsn(rest.substr(0, colon))) {
        d.dsn = std::string(rest.substr(0, colon));
        rest = trim(rest.substr(colon + 1));
    }
    if (rest.size() >= 3 && std::all_of(rest.begin(), rest.begin() + 3, [](char c) { return c >= '0' && c <= '9'; }) &&
        (rest.size() == 3 || rest[3] == ' ')) {
        d.smtp_code = std::stoi(std::string(rest.substr(0, 3)));
        rest = trim(rest.substr(3));
        if (d.dsn == "5.0.0" && rest.size() >= 5 && is_dsn(rest.substr(0, rest.find(' ')))) {
            d.dsn = std::string(rest.substr(0, rest.find(' ')));
            rest = trim(rest.substr(d.dsn.size()));
        }
    }
    if (d.dsn[0] == '4' && d.smtp_code == 550) d.smtp_code = 450;
    d.value = rest.empty() ? "address rejected" : std::string(rest);
    return d;
}

class Expander {
public:
    explicit Expander(const ExpandContext& ctx) : ctx_(ctx) {}

    Result<std::vector<FinalDestination>> run(std::string_view address) {
        std::string local = local_part(address);
        if (local.empty()) {
            add_error("5.1.3", "bad address syntax: " + log::printable(address));
        } else {
            name(lowercase(local), 0);
        }
        if (temp_) return *temp_;
        return std::move(out_);
    }

private:
    // A local name: alias, else user (.forward, then mailbox).
    void name(const std::string& n, std::size_t depth) {
        if (temp_ || full_) return;
        if (depth > ctx_.max_depth)
            return add_error("5.4.6", "alias expansion deeper than " + std::to_string(ctx_.max_depth) +
                                          " levels at " + log::printable(n));
        const AliasTable* table = nullptr;
        std::string key = n;
        auto entry = ctx_.aliases->lookup(key, &table);
        if (entry && !*entry) {
            key = strip_extension(n, ctx_.users.recipient_delimiter);
            entry = ctx_.aliases->lookup(key, &table);
        }
        if (!entry) return fail(make_error("alias lookup failed: " + entry.error().message));
        bool looped = active_.count("name:" + key) > 0;
        if (!*entry || looped) return user(n, looped, true, depth);
        expand_alias(key, **entry, *table, depth);
    }

    void expand_alias(const std::string& key, const AliasEntry& entry, const AliasTable& table, std::size_t depth) {
        Control c;
        c.run_as = table_identity(table);
        c.read_as = ctx_.users.user_instance ? c.run_as : Identity{"root", 0, 0, "/", ""};
        std::string saved_owner = owner_;
        if (!key.starts_with("owner-")) {
            auto owner = ctx_.aliases->lookup("owner-" + key);
            if (owner && *owner) owner_ = "owner-" + key;
        }
        chain_.push_back(ChainLink{ChainLink::Kind::Alias, key, table.path + ":" + std::to_string(entry.line)});
        active_.insert("name:" + key);
        for (const auto& t : entry.targets) target(t, depth + 1, c);
        active_.erase("name:" + key);
        chain_.pop_back();
        owner_ = saved_owner;
    }

    // A user's mailbox (or its .forward when allowed); n may carry an extension.
    void user(const std::string& n, bool looped, bool allow_forward, std::size_t depth) {
        std::string base = strip_extension(n, ctx_.users.recipient_delimiter);
        std::string ext = base.size() < n.size() ? n.substr(base.size() + 1) : std::string();
        auto found = find_user(ctx_.users, base);
        if (!found) return fail(make_error("cannot look up user " + log::printable(base) + ": " + found.error().message));
        if (!*found) {
            if (looped) return add_error("5.4.6", "mail forwarding loop for " + log::printable(base));
            return add_error("5.1.1", "unknown user: " + log::printable(base));
        }
        Identity id = **found;
        if (ctx_.users.user_instance) id.home = ctx_.users.mail_spool_directory + "/" + base;
        bool in_own_forward = active_.count("forward:" + base) > 0;
        std::string delimiter = base.size() < n.size() ? n.substr(base.size(), 1) : std::string();
        if (allow_forward && !looped && !in_own_forward && forward(id, ext, delimiter, depth)) return;
        FinalDestination d;
        d.kind = DestinationKind::Mailbox;
        d.value = base;
        d.extension = ext;
        d.run_as = id;
        push(std::move(d));
    }

    // True when a .forward took over the delivery.
    // delimiter: the one the address used ("+" of alice+x, "-" of alice-x).
    bool forward(const Identity& id, const std::string& ext, const std::string& delimiter, std::size_t depth) {
        ForwardVars vars{id.home, id.name, id.shell, ext, delimiter};
        for (const auto& tmpl : ctx_.forward_path) {
            auto path = expand_forward_template(tmpl, vars);
            if (!path || path->empty() || path->front() != '/') continue;
            auto content = read(*path, id, true);
            if (!content) {
                fail(content.error());
                return true;
            }
            if (!*content) continue;
            Control c{id, id, !user_shell_ok(id), true};
            active_.insert("forward:" + id.name);
            active_.insert("name:" + id.name);
            bool used = expand_file(ChainLink::Kind::Forward, *path, (*content)->text, depth + 1, c);
            active_.erase("name:" + id.name);
            active_.erase("forward:" + id.name);
            return used;  // an empty .forward means the mailbox
        }
        return false;
    }

    // Expand each target of a .forward or :include: file; false when it had none.
    bool expand_file(ChainLink::Kind kind, const std::string& path, const std::string& text, std::size_t depth,
                     const Control& c) {
        LogicalLineOptions opts;
        opts.continuation = false;
        opts.max_entry = ctx_.max_entry;
        LogicalLines lines = read_logical_lines(text, path, opts);
        for (const auto& w : lines.warnings) log::warn("%s", log::printable(w).c_str());
        bool any = false;
        for (const auto& l : lines.entries) {
            std::string where = path + ":" + std::to_string(l.line);
            auto targets = l.too_long ? Result<std::vector<std::string>>(make_error("line too long"))
                                      : parse_alias_targets(l.text);
            if (!targets) {
                log::warn("%s: %s, ignored", log::printable(where).c_str(), targets.error().message.c_str());
                continue;
            }
            chain_.push_back(ChainLink{kind, path, where});
            for (const auto& t : *targets) {
                any = true;
                target(t, depth, c);
            }
            chain_.pop_back();
        }
        return any;
    }

    void include(const std::string& path, std::size_t depth, const Control& c) {
        if (path.empty() || path.front() != '/')
            return add_error("5.3.5", ":include: needs an absolute path: " + log::printable(path));
        if (depth > ctx_.max_depth)
            return add_error("5.4.6", ":include: nesting deeper than " + std::to_string(ctx_.max_depth) + " at " +
                                          log::printable(path));
        if (active_.count("include:" + path))
            return add_error("5.4.6", ":include: loop at " + log::printable(path));
        auto content = read(path, c.read_as, c.user_controlled);
        if (!content) return fail(content.error());
        if (!*content) return add_error("5.3.5", "cannot use :include: file " + log::printable(path));
        Control inner = c;
        if ((*content)->owner != 0 && (*content)->owner != c.run_as.uid) {
            auto owner = lookup_uid((*content)->owner);
            if (!owner) return fail(owner.error());
            inner.run_as = *owner;
            inner.read_as = *owner;
            inner.restricted = c.restricted || !user_shell_ok(*owner);
        }
        active_.insert("include:" + path);
        (void)expand_file(ChainLink::Kind::Include, path, (*content)->text, depth + 1, inner);
        active_.erase("include:" + path);
    }

    void target(const std::string& raw, std::size_t depth, const Control& c) {
        if (temp_ || full_ || raw.empty()) return;
        if (raw.front() == '|') return program_or_file(DestinationKind::Command, raw.substr(1), c);
        if (raw.front() == '/') return program_or_file(DestinationKind::File, raw, c);
        if (starts_with_icase(raw, kInclude)) return include(std::string(trim(raw.substr(kInclude.size()))), depth, c);
        if (starts_with_icase(raw, kError)) {
            FinalDestination d = error_target(std::string_view(raw).substr(kError.size()));
            return push(std::move(d));
        }
        if (raw.front() == '\\') return user(lowercase(raw.substr(1)), false, false, depth);
        if (auto at = raw.rfind('@'); at != std::string::npos) {
            std::string domain = lowercase(raw.substr(at + 1));
            if (!domain.empty() && domain.back() == '.') domain.pop_back();
            auto& locals = ctx_.local_domains;
            if (std::find(locals.begin(), locals.end(), domain) == locals.end()) {
                FinalDestination d;
                d.kind = DestinationKind::Remote;
                d.value = raw;
                d.run_as = c.run_as;
                return push(std::move(d));
            }
            return name(lowercase(raw.substr(0, at)), depth);
        }
        name(lowercase(raw), depth);
    }

    void program_or_file(DestinationKind kind, std::string value, const Control& c) {
        if (c.restricted)
            return add_error("5.7.1", std::string(kind == DestinationKind::Command ? "command" : "file") +
                                          " deliveries not allowed for " + log::printable(c.run_as.name) +
                                          " (shell not in " + ctx_.shells_file + ")");
        FinalDestination d;
        d.kind = kind;
        d.value = std::move(value);
        d.run_as = c.run_as;
        push(std::move(d));
    }

    void add_error(const std::string& dsn, std::string text) {
        FinalDestination d;
        d.kind = DestinationKind::Error;
        d.dsn = dsn;
        d.smtp_code = 550;
        d.value = std::move(text);
        push(std::move(d));
    }

    void push(FinalDestination d) {
        if (full_) return;
        d.chain = chain_;
        d.owner = owner_;
        std::string key = std::string(destination_kind_name(d.kind)) + ":" + std::to_string(d.run_as.uid) + ":" + d.value;
        if (!seen_.insert(key).second) return;  // reached twice: delivered once
        if (out_.size() >= ctx_.max_destinations) {
            full_ = true;
            FinalDestination over;
            over.kind = DestinationKind::Error;
            over.dsn = "5.3.0";
            over.smtp_code = 550;
            over.value = "alias expansion exceeds " + std::to_string(ctx_.max_destinations) + " destinations";
            out_.push_back(std::move(over));
            return;
        }
        out_.push_back(std::move(d));
    }

    void fail(Error e) {
        if (!temp_) temp_ = std::move(e);
    }

    Result<std::optional<FileContent>> read(const std::string& path, const Identity& as, bool allow_root) {
        if (ctx_.read_file) return ctx_.read_file(path, as, allow_root, ctx_.max_file_size);
        return read_file_checked(path, as, allow_root, ctx_.max_file_size);
    }

    bool user_shell_ok(const Identity& id) {
        if (ctx_.allow_restricted_shell || ctx_.users.user_instance) return true;
        auto it = shells_.find(id.shell);
        if (it == shells_.end()) it = shells_.emplace(id.shell, shell_listed(id.shell, ctx_.shells_file)).first;
        return it->second;
    }

    Identity table_identity(const AliasTable& table) {
        if (ctx_.users.user_instance) return current_identity();
        auto it = owners_.find(table.path);
        if (it == owners_.end()) it = owners_.emplace(table.path, alias_table_identity(table.path, ctx_.default_privs)).first;
        return it->second;
    }

    const ExpandContext& ctx_;
    std::vector<FinalDestination> out_;
    std::vector<ChainLink> chain_;
    std::set<std::string> active_;  // "name:N", "forward:USER", "include:PATH" being expanded
    std::set<std::string> seen_;
    std::map<std::string, bool> shells_;
    std::map<std::string, Identity> owners_;
    std::string owner_;
    std::optional<Error> temp_;
    bool full_ = false;
};

}  // namespace

Result<std::vector<FinalDestination>> expand_recipient(std::string_view address, const ExpandContext& ctx) {
    if (!ctx.aliases) return make_error("no alias tables given");
    if (ctx.aliases->error) return make_error("alias database unavailable: " + ctx.aliases->error->message);
    return Expander(ctx).run(address);
}

std::string_view destination_kind_name(DestinationKind kind) {
    static constexpr std::string_view kNames[] = {"mailbox", "file", "command", "remote", "error"};
    return kNames[static_cast<int>(kind)];
}

std::string describe_chain(const FinalDestination& d) {
    static constexpr std::string_view kLinks[] = {"alias", "forward", "include"};
    std::string out;
    for (const auto& l : d.chain) {
        if (!out.empty()) out += " -> ";
        out += std::string(kLinks[static_cast<int>(l.kind)]) + " " + l.name;
        if (!l.where.empty()) out += " (" + l.where + ")";
    }
    return out;
}

}  // namespace postern::resolve
