// The user-controlled files of local expansion: reading a .forward or an
// :include: file safely, the $forward_path templates, /etc/shells, and the
// identity an alias table's entries run as. Used by resolve_expand.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/identity.hpp"
#include "lib/base/result.hpp"

namespace postern::resolve {

struct ForwardVars {
    std::string home, user, shell, extension, delimiter;
};

// "$home/.forward$recipient_delimiter$extension" with vars filled in
// (also ${name} and $(name)); nullopt when it names $extension and there is
// none (Postfix skips such entries), names an unknown variable, or the
// extension holds '/' or starts with '.' (it comes from the sender).
std::optional<std::string> expand_forward_template(std::string_view tmpl, const ForwardVars& vars);

// Is shell listed in the shells file (an empty shell is /bin/sh)? An
// unreadable shells file lists nothing but /bin/sh (as getusershell()).
bool shell_listed(const std::string& shell, const std::string& shells_file);

// Whom alias entries of the table at spec ("texthash:/etc/aliases",
// "hash:/etc/aliases", "/etc/aliases") run as: the owner of its file
// (PATH.db for hash:/btree:, PATH.dir or PATH.pag for dbm:), or
// default_privs when that is root or there is no file (ldap:, nis:).
Identity alias_table_identity(const std::string& spec, const Identity& default_privs);

}  // namespace postern::resolve
