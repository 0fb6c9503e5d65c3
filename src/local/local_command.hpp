// |command delivery (aliases, .forward and :include: entries).
//
// Runs `/bin/sh -c COMMAND` as the current process identity (the caller,
// local_deliver.cpp, already became the destination's run_as user with
// initgroups), in that user's home directory (else "/"), in a new session,
// with a clean environment: HOME USER LOGNAME SHELL PATH SENDER RECIPIENT
// LOCAL DOMAIN EXTENSION ORIGINAL_RECIPIENT. Address parts reach the
// command only as these variables and on stdin, never in the command text,
// so shell metacharacters in an address are data. stdin carries the
// message: "From SENDER DATE", Return-Path:, Delivered-To:, the content.
// stdout and stderr are collected, keeping the first kOutputKeep bytes.
//
// Result: exit 0 -> delivered; exit status mapped through sysexits(3) as
// Postfix does (EX_TEMPFAIL, EX_OSERR, EX_IOERR... -> deferred 4.x; others
// -> bounced 5.x with the first lines of the output); killed by a signal ->
// deferred; still running after $command_time_limit -> the process group is
// killed and the delivery deferred 4.4.7. A command that exits 0 without
// reading all of stdin has delivered (as in Postfix).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "lib/base/identity.hpp"
#include "local_message.hpp"
#include "local_status.hpp"

namespace postern::local {

struct CommandJob {
    std::string command;          // text after '|'
    Identity user;                // HOME, USER, LOGNAME, SHELL
    std::string recipient;        // RECIPIENT (the address being delivered)
    std::string original_recipient;
    std::string local, domain, extension;
    std::chrono::milliseconds time_limit{1000 * 1000};
};

Outcome deliver_command(const Message& msg, const CommandJob& job);

// The (dsn, temporary?) of a sysexits code, Postfix's table; other codes 5.3.0 permanent.
struct ExitMeaning {
    const char* dsn;
    bool temporary;
    const char* text;
};
ExitMeaning exit_meaning(int code);

}  // namespace postern::local
