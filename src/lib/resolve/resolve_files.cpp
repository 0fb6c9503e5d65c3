// .forward/:include: reading, $forward_path, /etc/shells, alias owners.
#include "lib/resolve/resolve_expand.hpp"
#include "lib/resolve/resolve_files.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cctype>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"

namespace postern::resolve {
namespace {

// The directory holding a user-controlled file must not let anyone else
// swap the file: not group/world-writable unless sticky (/tmp-like), and
// owned by the file's owner or root.
Status check_parent(const std::string& path, uid_t owner) {
    std::string dir = dirname_of(path);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return errno_error(dir);
    if (st.st_uid != owner && st.st_uid != 0) return make_error(dir + ": directory owned by another user");
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
        return make_error(dir + ": directory writable by group or others");
    return {};
}

}  // namespace

Result<std::optional<FileContent>> read_file_checked(const std::string& path, const Identity& as,
                                                     bool allow_root_owner, std::uint64_t max_size) {
    FileCheck check;
    check.single_link = true;  // a hard link could point at someone else's file
    check.forbidden_mode = S_IWGRP | S_IWOTH;
    if (as.uid != 0) {  // root (an alias file's include) accepts any owner
        check.owner = as.uid;
        if (allow_root_owner) check.allowed_owners.push_back(0);
    }
    auto fd = open_checked(path, O_RDONLY, 0, check);
    if (!fd) {
        int e = fd.error().sys_errno;
        if (e == ENOENT || e == ENOTDIR) return std::optional<FileContent>{};
        if (e == EIO || e == ENOMEM || e == ENFILE || e == EMFILE) return fd.error();
        log::warn("%s: ignored: %s", log::printable(path).c_str(), log::printable(fd.error().message).c_str());
        return std::optional<FileContent>{};
    }
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return errno_error(path + ": fstat");
    if (Status ps = check_parent(path, st.st_uid); !ps) {
        log::warn("%s: ignored: %s", log::printable(path).c_str(), log::printable(ps.error().message).c_str());
        return std::optional<FileContent>{};
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_size) {
        log::warn("%s: ignored: larger than %llu bytes", log::printable(path).c_str(),
                  static_cast<unsigned long long>(max_size));
        return std::optional<FileContent>{};
    }
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        ssize_t n = ::read(fd->get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error(path + ": read");
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return std::optional<FileContent>(FileContent{std::move(text), st.st_uid});
}

std::optional<std::string> expand_forward_template(std::string_view tmpl, const ForwardVars& vars) {
    std::string out;
    for (std::size_t i = 0; i < tmpl.size(); ++i) {
        if (tmpl[i] != '$') {
            out += tmpl[i];
            continue;
        }
        std::string name;
        if (i + 1 < tmpl.size() && (tmpl[i + 1] == '{' || tmpl[i + 1] == '(')) {
            char close = tmpl[i + 1] == '{' ? '}' : ')';
            auto end = tmpl.find(close, i + 2);
            if (end == std::string_view::npos) return std::nullopt;
            name = std::string(tmpl.substr(i + 2, end - i - 2));
            i = end;
        } else {
            std::size_t j = i + 1;
            while (j < tmpl.size() && (std::isalnum(static_cast<unsigned char>(tmpl[j])) || tmpl[j] == '_')) ++j;
            name = std::string(tmpl.substr(i + 1, j - i - 1));
            i = j - 1;
        }
        if (name == "home") out += vars.home;
        else if (name == "user") out += vars.user;
        else if (name == "shell") out += vars.shell;
        else if (name == "recipient_delimiter") out += vars.extension.empty() ? "" : vars.delimiter;
        else if (name == "extension") {
            if (vars.extension.empty()) return std::nullopt;
            // The extension comes from the sender: it must not lead the path elsewhere.
            if (vars.extension.find('/') != std::string::npos || vars.extension.starts_with(".")) return std::nullopt;
            out += vars.extension;
        } else return std::nullopt;
    }
    return out;
}

bool shell_listed(const std::string& shell, const std::string& shells_file) {
    std::string want = shell.empty() ? "/bin/sh" : shell;
    auto text = read_file(shells_file, 1 << 20);
    if (!text) return want == "/bin/sh";
    for (const auto& line : split_list(*text, "\n")) {
        std::string_view l = trim(line);
        if (!l.empty() && l.front() != '#' && l == want) return true;
    }
    return false;
}

Identity alias_table_identity(const std::string& spec, const Identity& default_privs) {
    std::string type, path = spec;
    if (auto colon = spec.find(':'); colon != std::string::npos && spec.front() != '/') {
        type = lowercase(spec.substr(0, colon));
        path = spec.substr(colon + 1);
    }
    std::vector<std::string> files;
    if (type.empty() || type == "texthash") files = {path};
    else if (type == "hash" || type == "btree") files = {path + ".db"};
    else if (type == "dbm") files = {path + ".pag", path + ".dir"};
    for (const auto& f : files) {
        struct stat st {};
        if (::stat(f.c_str(), &st) != 0) continue;
        if (st.st_uid == 0) return default_privs;
        auto id = lookup_uid(st.st_uid);
        if (id) return *id;
        return Identity{std::to_string(st.st_uid), st.st_uid, st.st_gid, "/", ""};
    }
    return default_privs;
}

}  // namespace postern::resolve
