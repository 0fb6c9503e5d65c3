// Converting sendmail's queue (qf/df/hf files) into postern queue files.
//
// Each queue directory may keep qf/, df/ and xf/ subdirectories. A qf (or
// hf, quarantined: it goes to postern's hold/) becomes one postern file in
// incoming/ (qmgr picks it up) holding the undelivered recipients, the
// headers resolved for the smtp mailer and the df bytes unchanged. sendmail's
// files are never modified or removed: a qf locked by a running sendmail is
// skipped, a damaged one is reported and left. Converted messages are
// recorded (sendmail ID and creation time) in DATA_DIRECTORY/
// migrate-converted, so a second run converts nothing twice; the record is
// written after the postern file is committed, so a crash in between can
// only cause a duplicate, never a loss.
#pragma once

#include <string>
#include <vector>

#include "migrate_plan.hpp"

namespace postern::migrate {

struct QueueSource {
    std::string dir;          // a sendmail queue directory (already under --root)
    std::string declared_at;  // "sendmail.cf:306"
};

struct QueueTarget {
    std::string queue_directory;  // postern's
    std::string data_directory;   // for the record of converted IDs
    std::string mail_owner;       // files are chowned to it when running as root
};

struct QueueOptions {
    bool apply = false;              // false: plan only, nothing written
    std::string mailer_flags = "mDFMuXa";  // the esmtp mailer's F= (resolves ?flags? headers)
    std::uint64_t max_file_size = 64u << 20;  // migrate_file_size_limit (qf files)
};

// Expand a QueueDirectory value ("/var/spool/mqueue/q*") under root.
std::vector<std::string> queue_directories(const std::string& root, const std::string& value);

void convert_queue(const QueueSource& source, const QueueTarget& target, const QueueOptions& options, Plan& plan);

}  // namespace postern::migrate
