// Local user lookup.
#include "lib/resolve/resolve_users.hpp"

#include <pwd.h>
#include <sys/stat.h>

#include <cerrno>
#include <vector>

namespace postern::resolve {
namespace {

Result<std::optional<Identity>> find_spool_user(const UserDirectory& settings, const std::string& name) {
    struct stat st {};
    std::string path = settings.mail_spool_directory + "/" + name;
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) return std::optional<Identity>{};
        return errno_error(path);
    }
    bool is_box = S_ISDIR(st.st_mode) || (settings.mbox && S_ISREG(st.st_mode));
    if (!is_box) return std::optional<Identity>{};
    Identity id = current_identity();
    id.name = name;  // the mailbox name; the uid/gid stay the instance user's
    return std::optional<Identity>{std::move(id)};
}

Result<std::optional<Identity>> find_passwd_user(const std::string& name) {
    struct passwd pw {};
    struct passwd* found = nullptr;
    std::vector<char> buf(16384);
    int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
    if (rc != 0 && rc != ENOENT && rc != ESRCH) return errno_error("getpwnam " + name, rc);
    if (!found) return std::optional<Identity>{};
    return std::optional<Identity>{Identity{pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir, pw.pw_shell}};
}

}  // namespace

bool valid_user_name(std::string_view name) {
    if (name.empty() || name.size() > 255 || name.front() == '.') return false;
    for (unsigned char c : name)
        if (c == '/' || c <= ' ' || c == 0x7f) return false;
    return true;
}

std::string local_part(std::string_view address) {
    auto at = address.rfind('@');
    return std::string(at == std::string_view::npos ? address : address.substr(0, at));
}

std::string strip_extension(std::string_view local, std::string_view delimiters) {
    if (delimiters.empty()) return std::string(local);
    auto pos = local.find_first_of(delimiters);
    // "+foo" is a name of its own, not an empty user with an extension.
    return std::string(pos == std::string_view::npos || pos == 0 ? local : local.substr(0, pos));
}

Result<std::optional<Identity>> find_user(const UserDirectory& settings, const std::string& name) {
    if (!valid_user_name(name)) return std::optional<Identity>{};
    if (settings.user_instance) return find_spool_user(settings, name);
    return find_passwd_user(name);
}

Result<bool> local_name_exists(const UserDirectory& users, const AliasMaps& aliases, const std::string& lower_local) {
    if (aliases.error) return *aliases.error;
    auto full = aliases.lookup(lower_local);
    if (!full) return full.error();
    if (*full) return true;
    std::string base = strip_extension(lower_local, users.recipient_delimiter);
    auto stripped = aliases.lookup(base);
    if (!stripped) return stripped.error();
    if (*stripped) return true;
    auto user = find_user(users, base);
    if (!user) return user.error();
    return user->has_value();
}

}  // namespace postern::resolve
