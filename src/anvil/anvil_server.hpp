// anvil's event loop: accepts smtpd connections on master's listening
// socket (fd 3, private/anvil) and answers each AnvilRequest from the one
// AnvilTable. Many connections at once (one per smtpd process), each a
// coroutine on one io_context; a malformed request ends that connection
// only (its counts are given back), and at most kMaxConnections are served.
#pragma once

#include <utility>  // before Asio

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "anvil_table.hpp"
#include "lib/base/result.hpp"

namespace postern::anvil {

class Server {
public:
    static constexpr std::size_t kMaxConnections = 4096;

    Server(boost::asio::io_context& io, AnvilTable& table, int listen_fd);
    Status start();

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::local::stream_protocol::socket sock, AnvilTable::ConnId id);

    boost::asio::io_context& io_;
    AnvilTable& table_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    int listen_fd_;
    AnvilTable::ConnId next_id_ = 1;
    std::size_t connections_ = 0;
};

}  // namespace postern::anvil
