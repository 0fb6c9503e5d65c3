// Reading configuration files: a bounded read, then Postfix's logical-line
// rules (white-space continuation, '#' comments, blank lines) shared by
// main.conf and services.conf.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "lib/base/strings.hpp"
#include "lib/config/config_detail.hpp"

namespace postern::config::detail {
namespace {

std::string sys_message(const std::string& path, int err) {
    return path + ": " + std::strerror(err);
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<std::string> read_config_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return make_error(sys_message(path, err), err);
    }
    std::string data;
    char buf[16384];
    Error failure;
    bool failed = false;
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            failure = make_error(sys_message(path, errno), errno);
            failed = true;
            break;
        }
        if (n == 0) break;
        if (data.size() + static_cast<std::size_t>(n) > kMaxConfigBytes) {
            failure = make_error(path + ": file is larger than " + std::to_string(kMaxConfigBytes) + " bytes");
            failed = true;
            break;
        }
        data.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (failed) return failure;
    return data;
}

Result<std::vector<LogicalLine>> logical_lines(std::string_view text, const std::string& file_name) {
    if (text.size() > kMaxConfigBytes) {
        return make_error(file_name + ": file is larger than " + std::to_string(kMaxConfigBytes) + " bytes");
    }
    std::vector<LogicalLine> out;
    std::size_t pos = 0;
    int number = 0;
    while (pos < text.size()) {
        const auto end = text.find('\n', pos);
        auto line = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        pos = end == std::string_view::npos ? text.size() : end + 1;
        if (++number > static_cast<int>(kMaxConfigLines)) {
            return make_error(file_name + ": more than " + std::to_string(kMaxConfigLines) + " lines");
        }
        const auto body = trim(line);
        if (body.empty() || body.front() == '#') continue;
        if (!is_blank(line.front())) {
            out.push_back(LogicalLine{number, number, std::string(body)});
            continue;
        }
        if (out.empty()) {
            return make_error(file_name + ":" + std::to_string(number) +
                              ": continuation line without a preceding line");
        }
        out.back().text += ' ';
        out.back().text += body;
        out.back().last_line = number;
    }
    return out;
}

}  // namespace postern::config::detail
