// The local expansion engine: what one local recipient finally becomes,
// without delivering anything. Shared by local (which then delivers each
// destination) and `sendmail -bv` (which prints them).
//
//   expand_recipient("Alice+news@example.org", ctx) ->
//     [ {Mailbox "alice", ext "news", run_as alice, chain [forward ~alice/.forward+news:1]},
//       {Command "/usr/bin/procmail", run_as alice, chain [...]} ]
//
// Order of expansion for a local name N (lower-cased, as sendmail does):
//   1. alias tables ($alias_maps, first table that has the name wins):
//      "N+ext" first, then "N"; each target is expanded in turn;
//   2. a local user: the first readable file of $forward_path (unless the
//      name came as "\N"), then the user's mailbox;
//   3. neither: an Error destination 5.1.1 "unknown user".
// Targets: "|command" -> Command, "/path" -> File, ":include:/path" -> the
// file's lines expanded in turn, "\user" -> that user's mailbox without
// further aliasing or forwarding, "error:D.S.N:CODE text" -> Error,
// "user@other.domain" -> Remote, anything else -> another local name.
//
// Identities (who a delivery runs as, FinalDestination::run_as):
//   the recipient for its mailbox and for entries of its .forward; the owner
//   of the alias table for alias entries, never root ($default_privs
//   instead); the owner of an :include: file for its entries (root-owned:
//   the identity of whatever included it, never root for alias includes).
//
// File checks (.forward and :include:): read as the controlling identity
// (ExpandContext::read_file), no symlink at the last component, a regular
// file with one link, owned by that identity (or, for .forward, root), not
// group- or world-writable, in a directory not writable by others. A file
// that fails a check is ignored with a warning (as sendmail does), never an
// error for the sender. A user whose shell is not in /etc/shells gets no
// Command or File destinations from .forward or :include: files it
// controls unless ctx.allow_restricted_shell (these become Error 5.7.1).
//
// Bounds: ctx.max_depth nested aliases/forwards/includes (deeper: Error
// 5.4.6), ctx.max_destinations final destinations (more: one Error 5.3.0),
// ctx.max_file_size for .forward/:include: files. Loops: a name reached
// again while it is being expanded means that name's own mailbox when it
// is a user ("root: root, alice"), else Error 5.4.6 "mail forwarding loop".
// Identical final destinations (same kind, value and run_as uid) are
// returned once.
//
// Result: an Error means a temporary failure (an alias table or a user
// lookup could not be consulted, a file read failed with I/O error): the
// caller defers (4.3.0) and must not deliver any destination. Permanent
// problems are Error destinations inside the vector.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/identity.hpp"
#include "lib/base/result.hpp"
#include "lib/resolve/resolve_aliases.hpp"
#include "lib/resolve/resolve_users.hpp"

namespace postern::resolve {

enum class DestinationKind { Mailbox, File, Command, Remote, Error };

// One step of the way a destination was reached.
struct ChainLink {
    enum class Kind { Alias, Forward, Include } kind = Kind::Alias;
    std::string name;  // Alias: the alias name; Forward/Include: the file path
    std::string where; // "PATH:LINE" of the entry (alias table or file), may be empty
};

struct FinalDestination {
    DestinationKind kind = DestinationKind::Mailbox;
    // Mailbox: user name; File: absolute path; Command: the command text
    // (after '|'); Remote: the address; Error: the text for the bounce.
    std::string value;
    std::string extension;  // Mailbox: the address extension ("news" of alice+news), else ""
    std::string dsn;        // Error: "5.1.1" etc.; empty for other kinds
    int smtp_code = 0;      // Error: 550 etc. when the entry named one, else 0
    Identity run_as;        // whom the delivery runs as (uid 0 only for root's own mailbox)
    std::vector<ChainLink> chain;  // outermost first; empty: the recipient itself
    // The envelope sender for this destination when an owner-NAME alias
    // exists for a list it came through ("owner-NAME"), else "".
    std::string owner;
    bool operator==(const FinalDestination& o) const {
        return kind == o.kind && value == o.value && run_as.uid == o.run_as.uid;
    }
};

// What a .forward or :include: file read returned.
struct FileContent {
    std::string text;
    uid_t owner = 0;
};
// Read path for identity `as`, applying FileRules-like checks (see above):
// nullopt when the file is absent or refused (the reader logs why), Error
// on a temporary failure. local supplies one that reads in a child that
// became `as`; the default (read_file_checked) reads in this process.
using FileReader = std::function<Result<std::optional<FileContent>>(const std::string& path, const Identity& as,
                                                                    bool allow_root_owner, std::uint64_t max_size)>;

struct ExpandContext {
    UserDirectory users;                     // user lookup and recipient_delimiter
    const AliasMaps* aliases = nullptr;      // required; its error defers everything
    std::vector<std::string> local_domains;  // lower-case $mydestination
    std::vector<std::string> forward_path;   // $forward_path templates ($home, $user, $recipient_delimiter, $extension)
    Identity default_privs;                  // for root-owned alias tables; never uid 0
    std::size_t max_depth = 20;              // $alias_expansion_depth_limit
    std::size_t max_destinations = 1000;     // $alias_expansion_recipient_limit
    std::uint64_t max_file_size = 1 << 20;   // $forward_file_size_limit
    std::size_t max_entry = 65536;           // one logical line of a .forward/:include:
    bool allow_restricted_shell = false;     // $allow_restricted_shell_deliveries
    std::string shells_file = "/etc/shells";
    FileReader read_file;                    // empty: read_file_checked
};

// Expand one recipient address (local part, optional @domain). See above.
Result<std::vector<FinalDestination>> expand_recipient(std::string_view address, const ExpandContext& ctx);

// The default FileReader: open with O_NOFOLLOW in this process, check owner
// (as.uid, or root when allow_root_owner), single link, not group/world
// writable, parent directory not writable by group/others unless sticky.
Result<std::optional<FileContent>> read_file_checked(const std::string& path, const Identity& as,
                                                     bool allow_root_owner, std::uint64_t max_size);

// "mailbox"/"file"/"command"/"remote"/"error", for log lines and -bv.
std::string_view destination_kind_name(DestinationKind kind);

// One line describing how d was reached: "alias postmaster (/etc/aliases:3) -> forward /home/a/.forward:1".
std::string describe_chain(const FinalDestination& d);

}  // namespace postern::resolve
