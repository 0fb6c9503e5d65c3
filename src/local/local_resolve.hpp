// Expansion of one recipient into delivery targets: aliases first (the
// first table that has the name wins; "name+ext" is looked up before
// "name"), recursively, then users. Each target kind is delivered by its own
// file (local_mailbox.cpp, local_maildir.cpp; |command, /file, :include: and
// non-local forwards arrive with the later delivery issue and defer until
// then: mail is kept, never dropped).
//
// Loops: an alias that refers back to a name being expanded means that
// name's own mailbox (sendmail's "root: root, alice"); a name reached twice
// is delivered once. Bounds: $alias_expansion_depth_limit levels (deeper:
// 5.4.6) and $alias_expansion_recipient_limit targets (more: 5.3.0).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/base/identity.hpp"
#include "local_alias.hpp"
#include "local_settings.hpp"
#include "local_status.hpp"

namespace postern::local {

enum class TargetKind { Mailbox, Command, File, Include, Remote };

struct Target {
    TargetKind kind = TargetKind::Mailbox;
    std::string value;  // Mailbox: user name; Command: text after '|'; File/Include: path; Remote: address
    Identity owner;     // Mailbox: the user the delivery runs as
    std::string via;    // the alias that produced it; empty for the recipient itself
};

struct Expansion {
    std::vector<Target> targets;
    std::vector<Outcome> problems;  // bounces and deferrals found while expanding
};

Expansion expand_recipient(const Settings& settings, const AliasMaps& aliases, std::string_view address);

std::string_view kind_name(TargetKind kind);

}  // namespace postern::local
