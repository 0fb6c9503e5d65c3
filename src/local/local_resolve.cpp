// Recipient expansion: aliases to targets.
#include "local_resolve.hpp"

#include <algorithm>
#include <set>

#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"
#include "local_user.hpp"

namespace postern::local {
namespace {

constexpr std::string_view kInclude = ":include:";

class Expander {
public:
    Expander(const Settings& s, const AliasMaps& maps) : s_(s), maps_(maps) {}

    Expansion run(std::string_view address) {
        std::string local = local_part(address);
        if (local.empty())
            out_.problems.push_back(bounced("5.1.3", "bad address syntax: " + log::printable(address)));
        else
            name(lowercase(local), 0);
        return std::move(out_);
    }

private:
    void name(const std::string& n, std::size_t depth) {
        if (depth > s_.alias_depth_limit) {
            out_.problems.push_back(bounced("5.4.6", "alias expansion deeper than " +
                                                         std::to_string(s_.alias_depth_limit) + " levels at " +
                                                         log::printable(n)));
            return;
        }
        std::string key = n;
        auto entry = maps_.lookup(key);
        if (entry && !*entry) entry = maps_.lookup(key = strip_extension(n, s_.recipient_delimiter));
        if (!entry) {
            out_.problems.push_back(deferred("4.3.0", "alias lookup failed: " + entry.error().message));
            return;
        }
        bool looped = std::find(chain_.begin(), chain_.end(), key) != chain_.end();
        if (!*entry || looped) return leaf(n, looped);
        chain_.push_back(key);
        for (const auto& t : (*entry)->targets) target(t, depth + 1, key);
        chain_.pop_back();
    }

    void target(const std::string& raw, std::size_t depth, const std::string& via) {
        if (raw.front() == '|') return add(TargetKind::Command, raw.substr(1), via);
        if (raw.front() == '/') return add(TargetKind::File, raw, via);
        if (starts_with_icase(raw, kInclude)) return add(TargetKind::Include, raw.substr(kInclude.size()), via);
        if (raw.front() == '\\') return leaf(lowercase(raw.substr(1)), false);  // no further aliasing
        if (auto at = raw.rfind('@'); at != std::string::npos) {
            std::string domain = lowercase(raw.substr(at + 1));
            if (std::find(s_.local_domains.begin(), s_.local_domains.end(), domain) == s_.local_domains.end())
                return add(TargetKind::Remote, raw, via);
            return name(lowercase(raw.substr(0, at)), depth);
        }
        name(lowercase(raw), depth);
    }

    void leaf(const std::string& n, bool looped) {
        std::string user = strip_extension(n, s_.recipient_delimiter);
        auto found = find_user(s_, user);
        if (!found) {
            out_.problems.push_back(deferred("4.3.0", "cannot look up user " + log::printable(user) + ": " +
                                                          found.error().message));
        } else if (!*found) {
            out_.problems.push_back(looped ? bounced("5.4.6", "mail forwarding loop for " + log::printable(user))
                                           : bounced("5.1.1", "unknown user: " + log::printable(user)));
        } else {
            Target t{TargetKind::Mailbox, user, **found, chain_.empty() ? std::string() : chain_.back()};
            push(std::move(t));
        }
    }

    void add(TargetKind kind, std::string value, const std::string& via) {
        push(Target{kind, std::move(value), Identity{}, via});
    }

    void push(Target t) {
        if (!seen_.insert(std::string(kind_name(t.kind)) + ":" + t.value).second) return;  // reached twice
        if (out_.targets.size() >= s_.alias_recipient_limit) {
            if (!overflow_)
                out_.problems.push_back(bounced("5.3.0", "alias expansion exceeds " +
                                                             std::to_string(s_.alias_recipient_limit) +
                                                             " destinations"));
            overflow_ = true;
            return;
        }
        out_.targets.push_back(std::move(t));
    }

    const Settings& s_;
    const AliasMaps& maps_;
    Expansion out_;
    std::vector<std::string> chain_;  // aliases being expanded, outermost first
    std::set<std::string> seen_;
    bool overflow_ = false;
};

}  // namespace

Expansion expand_recipient(const Settings& settings, const AliasMaps& aliases, std::string_view address) {
    if (aliases.error) {
        Expansion e;
        e.problems.push_back(deferred("4.3.0", "alias database unavailable: " + aliases.error->message));
        return e;
    }
    return Expander(settings, aliases).run(address);
}

std::string_view kind_name(TargetKind kind) {
    static constexpr std::string_view kNames[] = {"mailbox", "command", "file", "include", "remote"};
    return kNames[static_cast<int>(kind)];
}

}  // namespace postern::local
