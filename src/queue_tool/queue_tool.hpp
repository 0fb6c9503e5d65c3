// postern-queue: the administrator's view of and hands on the queue.
//
//   postern-queue [-c DIR] list                 the mailq listing
//   postern-queue [-c DIR] show ID              envelope, status, headers, body
//   postern-queue [-c DIR] hold ID...|ALL       incoming/deferred -> hold/
//   postern-queue [-c DIR] release ID...|ALL    hold -> deferred/, due now
//   postern-queue [-c DIR] requeue ID...|ALL    deferred/hold -> incoming/
//                                               (routed again with today's config)
//   postern-queue [-c DIR] delete ID...|ALL     removed (any queue but active/)
//   postern-queue [-c DIR] hoststat             dead destinations (= sendmail -bh)
//   postern-queue [-c DIR] purgestat            forget them (= sendmail -bH)
//
// Files in active/ belong to qmgr while it delivers them: they are never
// moved or deleted here (the command says so and exits EX_TEMPFAIL); hold
// or delete them once qmgr has deferred them. Every move is the queue's
// durable rename. The tool reads and changes $queue_directory directly:
// root, the mail owner or a user instance's owner runs it.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "lib/queue/queue_dir.hpp"

namespace postern::queue_tool {

struct Invocation {
    queue::QueueDir queue;
    std::vector<std::string> ids;  // operands after the command ("ALL" expanded by the command)
    std::FILE* out = stdout;
    std::FILE* err = stderr;
};

// Runs one command by name; returns a sysexits code. Unknown command:
// EX_USAGE.
int run_command(const std::string& name, Invocation& inv);
bool known_command(const std::string& name);

int show_message(Invocation& inv, const std::string& id);

}  // namespace postern::queue_tool
