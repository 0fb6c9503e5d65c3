// sendmail -bv and -bt: how postern would deliver each address, without
// sending anything. Resolution is postern's own (lib/resolve): the route
// (local domain or not, transport_maps aside), then for local addresses
// the alias/.forward/:include: expansion that local performs.
//
// -bv prints one line per final destination in sendmail's layout:
//   alice... deliverable: mailer local, user alice
//   "|/usr/bin/vacation"... deliverable: mailer prog, user |/usr/bin/vacation
//   /var/log/mail.copy... deliverable: mailer *file*, user /var/log/mail.copy
//   bob@example.org... deliverable: mailer esmtp, host example.org, user bob@example.org
//   nosuch... User unknown
// Mailer names are sendmail's (local, prog, *file*, esmtp for postern's
// smtp transport; another transport by its own name). -v adds, under each
// line, how the destination was reached (alias, .forward, :include:). -n
// skips alias tables. Exit: EX_OK, EX_NOUSER when any address fails,
// EX_TEMPFAIL when a table or user lookup could not be consulted,
// EX_USAGE for a malformed address.
//
// -bt is sendmail's address test mode. postern has no rule sets to run, so
// it says so once and then answers each input line ("3,0 addr", "0 addr",
// "/parse addr" or just "addr") with the -bv lines for its address; lines
// starting with '#' and empty lines are ignored, sendmail's other test
// commands (=S, /map, /tryflags, -d ...) get a note, "/quit" ends. Input lines
// are bounded (2048 bytes; longer ones are refused).
#pragma once

#include <cstdio>
#include <string>

#include "lib/config/config.hpp"
#include "sendmail_options.hpp"

namespace postern::sendmail {

int verify_addresses(const Options& o, const config::Config& cfg);
int address_test(const Options& o, const config::Config& cfg);

// For tests: the same over explicit streams.
int verify_addresses(const Options& o, const config::Config& cfg, std::FILE* out);
int address_test(const Options& o, const config::Config& cfg, int in_fd, std::FILE* out);

}  // namespace postern::sendmail
