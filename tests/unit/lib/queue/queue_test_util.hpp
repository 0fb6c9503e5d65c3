// Helpers shared by the queue tests: write a queue file with the real
// Writer, read it back, and craft raw record bytes for corrupt-file cases.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/queue/queue_file.hpp"
#include "tests/unit/common/temp_dir.hpp"

namespace postern::queue::testing {

inline Envelope sample_envelope(std::size_t recipients = 2) {
    Envelope env;
    env.arrival = {1700000000, 123456000};
    env.sender = "alice@example.org";
    env.full_name = "Alice Example";
    env.uid = 1000;
    env.attrs = {{"client", "localhost[127.0.0.1]"}, {"helo", "example.org"}};
    for (std::size_t i = 0; i < recipients; ++i)
        env.recipients.push_back({"user" + std::to_string(i) + "@example.net", "rfc822;orig" + std::to_string(i),
                                  "SUCCESS,FAILURE", RcptStatus::Pending, 0});
    return env;
}

// Write env + content (in one write_data call) to fd with ops.
inline Status write_queue_file(int fd, const Envelope& env, std::string_view content,
                               FileOps& ops = posix_file_ops()) {
    Writer w(fd, ops);
    POSTERN_TRY(w.write_envelope(env));
    if (!content.empty()) POSTERN_TRY(w.write_data(content));
    return w.finish();
}

inline Result<std::string> read_all_content(int fd, const Envelope& env) {
    std::string out;
    auto st = read_content(fd, env, [&out](std::string_view chunk) -> Status {
        out.append(chunk);
        return {};
    });
    if (!st) return st.error();
    return out;
}

inline std::string file_bytes(int fd) {
    std::string out;
    char buf[65536];
    off_t off = 0;
    for (ssize_t n; (n = ::pread(fd, buf, sizeof buf, off)) > 0; off += n) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

// A fresh file in dir holding exactly bytes, opened read-write.
inline int file_with(const postern::testing::TempDir& dir, std::string_view bytes, const std::string& name = "qf") {
    std::string path = dir.file(name);
    ::unlink(path.c_str());
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// One raw record: type, u32 big-endian length, payload.
inline std::string record(char type, std::string_view payload, std::int64_t length = -1) {
    auto len = static_cast<std::uint32_t>(length < 0 ? static_cast<std::int64_t>(payload.size()) : length);
    std::string r(1, type);
    for (int shift = 24; shift >= 0; shift -= 8) r += static_cast<char>((len >> shift) & 0xff);
    r += payload;
    return r;
}

// A well-formed minimal file, built by hand, for tests that damage one part.
inline std::string minimal_file(std::string_view between_s_and_m = {}, std::string_view content = "hi\n") {
    using namespace std::string_literals;
    return std::string(kMagic) + record('V', "1") + record('T', "1700000000.000001") + record('S', "a@b") +
           std::string(between_s_and_m) + record('R', "-c@d\0\0"s) + record('M', "") + record('D', content) +
           record('E', "");
}

}  // namespace postern::queue::testing
