#include "lib/dsn/dsn_notice.hpp"

#include "lib/dsn/dsn_attrs.hpp"

namespace postern::dsn {

Report report_about(const queue::Envelope& env, const std::string& queue_id, const std::string& reporting_mta,
                    std::time_t now) {
    Report r;
    r.reporting_mta = reporting_mta;
    r.queue_id = queue_id;
    r.envid = envelope_attr(env, kEnvidAttr);
    r.sender = env.sender;
    r.arrival = env.arrival.tv_sec;
    r.now = now;
    r.headers_only = envelope_attr(env, kRetAttr) == "HDRS";
    return r;
}

std::string returned_original(int fd, const queue::Envelope& env, bool headers_only, std::uint64_t limit,
                              bool& truncated) {
    std::string text;
    truncated = false;
    auto st = queue::read_content(fd, env, [&](std::string_view chunk) -> Status {
        std::size_t room = limit > text.size() ? static_cast<std::size_t>(limit - text.size()) : 0;
        text.append(chunk.substr(0, room));
        if (chunk.size() > room) {
            truncated = true;
            return make_error("enough");
        }
        if (headers_only && text.find("\n\n") != std::string::npos) return make_error("enough");
        return {};
    });
    (void)st;  // "enough" stops early; a read error leaves what was read
    if (headers_only) {
        text = std::string(header_block(text));
        truncated = false;
    }
    return text;
}

ipc::CleanupResult submit_notice(const ipc::CleanupEndpoint& cleanup, const std::string& origin, const Report& report) {
    ipc::CleanupOpen open;
    open.origin = origin;
    open.recipients.push_back(report.to);
    std::string text = build_report(report);
    return ipc::submit_to_cleanup(cleanup, open, [&text](const ipc::ContentSink& sink) { return sink(text); });
}

}  // namespace postern::dsn
