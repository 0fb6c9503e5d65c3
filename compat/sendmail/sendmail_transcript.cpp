// -X (see the header). Write errors are ignored: the transcript is a
// diagnostic aid and must never stop a message.
#include "sendmail_transcript.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "lib/base/log.hpp"

namespace postern::sendmail {

Result<Transcript> Transcript::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return errno_error("cannot open transcript file " + path);
    return Transcript(UniqueFd(fd));
}

void Transcript::write_line(std::string_view dir, std::string_view line) {
    std::string out = std::to_string(::getpid()) + " " + std::string(dir);
    out += line.size() > kMaxLogged ? std::string(line.substr(0, kMaxLogged)) + "..." : std::string(line);
    out += '\n';
    ssize_t n = ::write(fd_.get(), out.data(), out.size());
    (void)n;
}

void Transcript::content(std::string_view data) {
    for (;;) {
        auto nl = data.find('\n');
        if (nl == std::string_view::npos) break;
        if (partial_.empty()) {
            received(data.substr(0, nl));
        } else {
            partial_.append(data.substr(0, nl));
            received(partial_);
            partial_.clear();
        }
        data.remove_prefix(nl + 1);
    }
    if (partial_.size() < kMaxLogged + 1) partial_.append(data.substr(0, kMaxLogged + 1 - partial_.size()));
}

void Transcript::end_content() {
    if (!partial_.empty()) received(partial_);
    partial_.clear();
    received(".");
}

}  // namespace postern::sendmail
