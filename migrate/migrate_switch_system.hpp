// The system's own mechanisms for replacing a command path, used by switch
// where they are present (Debian and its derivatives):
//   - update-alternatives, when the path is a link into /etc/alternatives/
//     (an alternatives group such as Fedora's or a local "mta" group):
//     postern is installed into that group and selected; rollback selects
//     the previous alternative again (or returns the group to auto mode)
//     and removes postern's.
//   - dpkg-divert, when the path is a file a package owns (Debian's
//     sendmail-bin ships /usr/sbin/sendmail, /usr/lib/sendmail, mailq and
//     newaliases as plain links): the package's file is diverted to
//     PATH.sendmail (dpkg --rename), so an upgrade of sendmail-bin writes
//     there and never over postern's link; rollback removes the diversion,
//     which moves the file back.
// Under --root both tools are pointed at ROOT (update-alternatives --root
// ROOT --altdir ROOT/etc/alternatives --admindir ROOT/var/lib/dpkg/
// alternatives, its log going to ROOT/var/log; dpkg-divert --root ROOT),
// which is how the tests use them. update-alternatives wants postern's
// sendmail to exist under ROOT.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/base/result.hpp"

namespace postern::migrate {

// Run argv (argv[0] found in PATH) and return its standard output (at most
// 1 MiB); an error names the command when it fails or exits non-zero.
Result<std::string> run_tool(const std::vector<std::string>& argv);

struct Alternative {
    std::string name;    // the group ("mta")
    std::string link;    // its master link ("/usr/sbin/sendmail")
    std::string value;   // the alternative selected now
    bool automatic = true;
};

// The group rel is the master link of (rel is a link into /etc/alternatives/
// and update-alternatives knows the group); nullopt otherwise.
std::optional<Alternative> alternative_of(const std::string& root, const std::string& rel);
Status select_postern(const std::string& root, const Alternative& alt, const std::string& postern);
Status restore_alternative(const std::string& root, const Alternative& alt, const std::string& postern);

// rel is listed in a package's file list (ROOT/var/lib/dpkg/info/*.list).
bool package_owned(const std::string& root, const std::string& rel);
Status divert(const std::string& root, const std::string& rel, const std::string& diverted);
Status undivert(const std::string& root, const std::string& rel);

}  // namespace postern::migrate
