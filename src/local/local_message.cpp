// Access to the queued message content.
#include "local_message.hpp"

namespace postern::local {
namespace {

// Sentinel that stops read_content once the header block is complete.
constexpr std::string_view kEnough = "local: header block complete";

}  // namespace

Status stream_content(const Message& msg, const Sink& sink) {
    return queue::read_content(msg.fd, msg.envelope, sink);
}

Result<std::string> read_header_block(const Message& msg, std::size_t max_bytes) {
    std::string block;
    auto st = queue::read_content(msg.fd, msg.envelope, [&](std::string_view chunk) -> Status {
        std::size_t scan_from = block.size() < 1 ? 0 : block.size() - 1;
        block.append(chunk.substr(0, max_bytes - block.size()));  // substr clamps to the chunk
        if (block.rfind('\n', 0) == 0) {  // empty first line: no headers at all
            block.resize(1);
            return make_error(std::string(kEnough));
        }
        if (auto end = block.find("\n\n", scan_from); end != std::string::npos) {
            block.resize(end + 2);
            return make_error(std::string(kEnough));
        }
        if (block.size() >= max_bytes) return make_error(std::string(kEnough));
        return {};
    });
    if (!st && st.error().message != kEnough) return st.error();
    return block;
}

}  // namespace postern::local
