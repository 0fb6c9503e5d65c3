// smtpd's side of the cleanup conversation, one per message:
//   open(): connect to private/cleanup, send CleanupOpen
//   send(): CleanupData frames of at most kChunk bytes, as content arrives
//   finish(): CleanupEnd, then wait for CleanupReply
// cleanup answers Ok only once the queue file is durable. abort() hangs
// up: cleanup then abandons the file, so nothing is queued.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <string>

#include "lib/ipc/async_channel.hpp"
#include "lib/ipc/messages.hpp"

namespace postern::smtpd {

class CleanupClient {
public:
    static constexpr std::size_t kChunk = 64 * 1024;

    explicit CleanupClient(const boost::asio::any_io_executor& ex) : socket_(ex) {}

    boost::asio::awaitable<Status> open(const std::string& path, const ipc::CleanupOpen& msg);
    // Send whole chunks of pending (all of it when flush), erasing what was sent.
    boost::asio::awaitable<Status> send(std::string& pending, bool flush);
    boost::asio::awaitable<Result<ipc::CleanupReply>> finish(const ipc::Limits& limits);
    void abort();
    void cancel();
    bool is_open() const { return socket_.is_open(); }

private:
    ipc::AsyncSocket socket_;
};

}  // namespace postern::smtpd
