// Manager: qmgr's scheduling state and the only code that writes queue
// files once they are in incoming/. Everything here runs on the main
// thread; delivery I/O runs on WorkerPool threads and comes back as
// DeliveryOutcome values through handle_finished().
//
// Life of a message: incoming/ or a due deferred/ file is moved to active/
// (while fewer than $qmgr_message_active_limit are active), its envelope is
// read (unparseable -> corrupt/), each Pending recipient is routed and the
// recipients are grouped into requests that wait in the RunQueue for a free
// slot. Results are marked in the file (Delivered 'D', Bounced 'B') only
// after the agent reported them; once no request of the message is left it
// is removed (all final), returned (lifetime exceeded: 'E'), or given its
// next attempt time as mtime and moved to deferred/.
// Crash safety: files in active/ at start-up are reloaded by recover();
// recipients still Pending there are delivered again (at-least-once).
// Marks and removals reach the disk through flusher_ (qmgr_flusher.hpp);
// moves between incoming/, active/ and deferred/ are not fsynced at all:
// recover() and the scans look in all three, so a move a host crash undid
// only changes when the message is tried next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/result.hpp"
#include "lib/config/services.hpp"
#include "lib/ipc/attr.hpp"
#include "lib/ipc/channel.hpp"
#include <memory>

#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"
#include "qmgr_bounce.hpp"
#include "qmgr_dead.hpp"
#include "qmgr_flusher.hpp"
#include "qmgr_deliver.hpp"
#include "qmgr_message.hpp"
#include "qmgr_resolve.hpp"
#include "qmgr_retry.hpp"
#include "qmgr_route.hpp"
#include "qmgr_schedule.hpp"

namespace postern::config {
class Config;
}

namespace postern::qmgr {

struct Settings {
    RoutingTable routing;
    RetryPolicy retry;
    ConcurrencyLimits limits;
    std::size_t active_limit = 20000;
    ipc::Millis ipc_timeout{3600 * 1000};
    ipc::Limits ipc_limits;
    queue::ReadLimits read_limits;
    BounceSettings bounce;
    std::shared_ptr<RouteTables> tables;  // null: built-in routing only

    static Settings from_config(const config::Config& cfg, const std::vector<config::ServiceEntry>& services);
};

class Manager {
public:
    static Result<Manager> create(queue::QueueDir queue, Settings settings);

    // Reload every file already in active/ (a previous qmgr's work).
    void recover();
    // Activate files from incoming/, in arrival order, while there is room,
    // at most kActivateBatch per call; the rest wait in a to-do list that
    // continue_scans() works through (so deliveries start at once, and a
    // flush of a huge deferred queue is not cut short by the active limit).
    void scan_incoming();
    // The same for deferred/ files whose next attempt time (mtime) has come.
    void scan_deferred(std::time_t now);
    void continue_scans();
    // Start every planned request the concurrency limits allow (none once stopping).
    void start_deliveries();
    // Apply the outcomes of finished requests; finish messages that are done.
    void handle_finished();

    // Dead-destination cache: 'F' revives every destination, 'H' rereads the file.
    void revive_all_destinations() { dead_.revive_all(); }
    void reload_host_status() { dead_.load(); }
    // Stop starting new deliveries (SIGTERM); in-flight ones still complete.
    void stop_starting() { stopping_ = true; }
    int wake_fd() const { return pool_.wake_fd(); }
    int in_flight() const { return concurrency_.total(); }
    std::size_t active_count() const { return messages_.size(); }
    std::size_t queued_requests() const { return run_queue_.size(); }
    // A scan left files to activate, and there is room for them now.
    bool backlog_ready() const { return !incoming_todo_.empty() && has_room(); }
    bool deferred_ready() const { return !deferred_todo_.empty() && has_room(); }
    const Settings& settings() const { return settings_; }

private:
    Manager(queue::QueueDir queue, Settings settings, WorkerPool pool)
        : queue_(std::move(queue)), settings_(std::move(settings)), pool_(std::move(pool)),
          concurrency_(settings_.limits), dead_(queue_) {}

    static constexpr std::size_t kActivateBatch = 200;
    bool has_room() const { return messages_.size() < settings_.active_limit; }
    void activate_batch(std::deque<std::string>& todo, std::string_view from);
    // Move id from `from` into active/ and load it. False: it could not be
    // opened (out of descriptors...) and went back to `from`.
    bool activate(const std::string& id, std::string_view from);
    // Open active/ID, plan its pending recipients (corrupt -> corrupt/, and
    // true); false when the file could not be opened.
    bool load(const std::string& id);
    void plan(Message& msg);
    DeliveryJob make_job(const Message& msg, const PlannedRequest& planned);
    std::string socket_path(const std::string& transport) const;
    // Slow-start feedback for a finished request; a destination that just
    // died gets its queued requests deferred without delivery attempts.
    void feedback(const PlannedRequest& planned, const DeliveryOutcome& outcome);
    // Defer every recipient of a request for a dead destination (no agent).
    void suspend(Message& msg, const PlannedRequest& planned, const queue::HostStatus& dead);

    // qmgr_results.cpp
    void apply_outcome(Message& msg, const PlannedRequest& planned, const DeliveryOutcome& outcome);
    // True when the result was final and marked in the file.
    bool apply_result(Message& msg, std::size_t index, const std::string& relay,
                      const ipc::RecipientResult& result);
    void finish_if_done(Message& msg);
    void expire_pending(Message& msg);
    void retire(Message& msg);
    void warn_delay_once(const Message& msg, std::time_t now, std::map<std::string, std::string>& reasons);
    void defer(Message& msg, std::time_t now);

    queue::QueueDir queue_;
    Settings settings_;
    WorkerPool pool_;
    Concurrency concurrency_;
    RunQueue run_queue_;
    DeadDestinations dead_;
    Flusher flusher_;
    std::map<std::string, Message> messages_;
    std::map<std::uint64_t, PlannedRequest> running_;
    std::uint64_t next_job_ = 1;
    bool stopping_ = false;
    std::deque<std::string> incoming_todo_;
    std::deque<std::string> deferred_todo_;
    std::time_t deferred_due_ = 0;  // the scan time deferred_todo_ was listed for
};

// A recipient of msg failed for good (bounced or expired): remembered in
// msg; finish_if_done sends one notice for all of them (qmgr_bounce.hpp).
void bounce_hook_recipient_failed(Message& msg, std::size_t index, std::string_view dsn,
                                  std::string_view reason);

// "ID: to=<rcpt>, relay=local, delay=0.12, dsn=2.0.0, status=sent (reason)"
std::string format_result_line(std::string_view queue_id, std::string_view address, std::string_view relay,
                               double delay, std::string_view dsn, std::string_view status,
                               std::string_view reason);

}  // namespace postern::qmgr
