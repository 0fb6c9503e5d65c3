// sendmail -bs: an SMTP dialogue on standard input/output, as PHP's mail
// functions, Alpine and other MUAs speak it to "sendmail -bs". Each
// message goes through the same submission path as -bm (postdrop), so it
// is queued with the caller's uid as the maildrop file's owner; MAIL FROM
// sets the envelope sender like -f (an untrusted caller naming another
// sender gets the X-Authentication-Warning: header).
//
// Commands: HELO, EHLO (PIPELINING, 8BITMIME, DSN, SIZE), MAIL FROM (SIZE,
// BODY, RET, ENVID), RCPT TO (NOTIFY, ORCPT), DATA, RSET, NOOP, VRFY (252),
// HELP, QUIT. Replies are RFC 5321 with enhanced status codes. Bounds:
// command lines of at most 2048 bytes (longer: 500 5.5.2, rest of the line
// skipped), $recipient_limit recipients per message (452 4.5.3), the
// message size budget (552 5.3.4, the rest of DATA read and discarded), 20
// errors in a row end the session (421). Input is read with no timeout:
// the caller is a local process on a pipe. The exit status is EX_OK after
// QUIT or end of input, EX_IOERR when stdout cannot be written.
#pragma once

#include "lib/config/config.hpp"
#include "sendmail_options.hpp"

namespace postern::sendmail {

int smtp_session(const Options& o, const config::Config& cfg, int in_fd, int out_fd);

}  // namespace postern::sendmail
