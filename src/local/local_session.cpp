// Request handling for the local service.
#include "local_session.hpp"

#include <fcntl.h>

#include "lib/base/log.hpp"
#include "lib/base/safe_file.hpp"
#include "lib/ipc/messages.hpp"
#include "lib/queue/queue_path.hpp"
#include "maps/alias_source.hpp"
#include "local_alias.hpp"
#include "local_deliver.hpp"
#include "local_message.hpp"

namespace postern::local {
namespace {

ipc::DeliverReply defer_all(const ipc::DeliverRequest& req, const std::string& reason) {
    ipc::DeliverReply reply;
    for (const auto& r : req.recipients) {
        Outcome o = deferred("4.3.0", reason);
        o.offset = r.offset;
        reply.results.push_back(std::move(o));
    }
    return reply;
}

// The queue file stays open (fd) for the whole request; msg refers to it.
struct OpenedMessage {
    UniqueFd fd;
    Message msg;
};

Result<OpenedMessage> open_message(const Settings& settings, const ipc::DeliverRequest& req) {
    if (!queue::valid_queue_path(req.queue_file)) return make_error("bad queue file name " + log::printable(req.queue_file));
    std::string path = settings.queue_directory + "/" + req.queue_file;
    auto fd = open_checked(path, O_RDONLY, 0, FileCheck{});
    if (!fd) return fd.error();
    auto env = queue::read_envelope(fd->get());
    if (!env) return make_error(path + ": " + env.error().message);
    int raw = fd->get();
    return OpenedMessage{std::move(*fd), Message{req.queue_id, raw, std::move(*env)}};
}

ipc::DeliverReply deliver_all(const Settings& settings, const ipc::DeliverRequest& req, const Message& msg) {
    auto header_block = read_header_block(msg, static_cast<std::size_t>(settings.header_size_limit));
    if (!header_block) return defer_all(req, "queue file read error: " + header_block.error().message);
    AliasMaps aliases =
        load_alias_maps(settings.alias_maps, settings.alias_file_size_limit, settings.alias_entry_length_limit,
                        maps::alias_opener(settings.map_options));
    ipc::DeliverReply reply;
    DeliveredSet done;
    for (const auto& rcpt : req.recipients) {
        Outcome o = deliver_recipient(settings, aliases, msg, *header_block, rcpt, done);
        o.offset = rcpt.offset;
        // qmgr logs the recipient's status line (one per recipient, as log
        // tools count them); local only logs how aliases expanded.
        reply.results.push_back(std::move(o));
    }
    return reply;
}

}  // namespace

void handle_connection(const Settings& settings, UniqueFd conn) {
    auto req = ipc::recv_msg<ipc::DeliverRequest>(conn.get(), settings.ipc_limits, settings.ipc_timeout);
    if (!req) {
        if (req.error().message != "eof") log::warn("bad deliver request: %s", req.error().message.c_str());
        return;
    }
    ipc::DeliverReply reply;
    if (auto opened = open_message(settings, *req); !opened) {
        log::warn("%s: %s", log::printable(req->queue_id).c_str(), opened.error().message.c_str());
        reply = defer_all(*req, "cannot read queue file: " + opened.error().message);
    } else {
        reply = deliver_all(settings, *req, opened->msg);
    }
    if (Status st = ipc::send_msg(conn.get(), reply, settings.ipc_timeout); !st)
        log::warn("%s: cannot send reply: %s", log::printable(req->queue_id).c_str(), st.error().message.c_str());
}

}  // namespace postern::local
