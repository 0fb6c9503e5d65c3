// One cleanup connection = one message (pickup or smtpd is the client).
//
//   client: CleanupOpen, CleanupData*, CleanupEnd      cleanup: CleanupReply
//
// The queue file is created in incoming/ first (its ID goes into
// Received:), the header block is read (bounded by header_size_limit) and
// rewritten (header rules; canonical and virtual tables, cleanup_rewrite.hpp),
// the envelope and header are written, and the body is streamed
// to the file as it arrives, never held in memory. The reply is Ok only
// after the file is fsynced, renamed to incoming/ID and incoming/ fsynced;
// any write error gives TempFail 4.3.0 and leaves no file behind. A refusal
// found mid-stream (too big, too many hops) stops writing, reads the rest
// of the content, then replies PermFail: the client is never cut off mid-send.
// A protocol error, decode error or timeout abandons the file and replies
// TempFail when it can; a hang-up abandons it without a reply.
#pragma once

#include <ctime>
#include <optional>
#include <string>

#include "cleanup_headers.hpp"
#include "cleanup_settings.hpp"
#include "lib/base/file_ops.hpp"
#include "lib/base/result.hpp"
#include "lib/ipc/messages.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"

namespace postern::cleanup {

struct Prepared;  // cleanup_envelope.hpp

class Session {
public:
    // queue and ops must outlive the session; ops is the FileOps the queue
    // directory was opened with (the Writer uses it too).
    Session(queue::QueueDir& queue, FileOps& ops, const Settings& settings, int fd);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    ~Session();

    // Handle the connection to its end. Never throws; does not close fd.
    void run();

private:
    enum class Phase { Header, Body, Drain };

    Status start();
    Status receive_content();
    void on_data(std::string_view data);
    void begin_body();
    Status rewrite(Prepared& prepared, Headers& headers);
    void write(std::string_view data);
    void refuse(const Error& why);
    void finish();
    // dsn_and_text: "4.3.0 reason"; queue_id only with Ok.
    void reply(ipc::CleanupReply::Status status, std::string_view dsn_and_text, std::string_view queue_id = {});
    void abandon();

    queue::QueueDir& queue_;
    FileOps& ops_;
    const Settings& settings_;
    int fd_;
    ipc::CleanupOpen open_;
    std::optional<queue::NewFile> file_;
    std::optional<queue::Writer> writer_;
    HeaderReader header_;
    Phase phase_ = Phase::Header;
    std::uint64_t received_ = 0;
    std::optional<Error> refusal_;  // "D.D.D text"; set once, first reason wins
    struct timespec arrival_ {};
    std::size_t nrcpt_ = 0;
    std::string sender_;
};

}  // namespace postern::cleanup
