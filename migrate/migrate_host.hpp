// One sendmail host, read from --root (a copied tree: ROOT/etc/mail/
// sendmail.cf, sendmail.mc, ROOT/var/spool/...) or from / , and the postern
// instance it migrates into (-c DIR, else $POSTERN_CONFIG_DIR, else
// /etc/postern). plan reads only; apply writes main.conf's converted block
// and converts the queue. sendmail's own files are never changed.
#pragma once

#include <optional>
#include <string>

#include "migrate_plan.hpp"

namespace postern::migrate {

struct HostOptions {
    std::string root;                       // "" = the live host
    std::optional<std::string> config_dir;  // -c
    bool apply = false;
};

struct HostRun {
    Plan plan;
    int exit_code = 0;  // 0: nothing needs a human; 1: something does; EX_* on errors
    std::string error;  // one line when exit_code is an EX_* code
};

HostRun run_host(const HostOptions& options);

// switch (stop sendmail, link the command paths to postern's sendmail,
// start postern with postern-ctl unless no_start) and rollback; the plan
// holds one line per action.
HostRun run_switch(const HostOptions& options, bool no_start);
HostRun run_rollback(const HostOptions& options);

}  // namespace postern::migrate
