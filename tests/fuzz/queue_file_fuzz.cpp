// libFuzzer target for the queue file reader: queue files are untrusted
// (maildrop files belong to the submitting user). Any input must give an
// Envelope or an Error, never a crash, hang or unbounded allocation.
// Build: clang++ -std=c++20 -fsanitize=fuzzer,address -Isrc -I. tests/fuzz/queue_file_fuzz.cpp
//        src/lib/queue/*.cpp src/lib/base/*.cpp
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/base/unique_fd.hpp"
#include "lib/queue/queue_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    postern::UniqueFd fd(::memfd_create("queue_file_fuzz", MFD_CLOEXEC));
    if (!fd.valid()) return 0;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (!postern::posix_file_ops().write_all(fd.get(), input).ok()) return 0;
    postern::queue::ReadLimits limits;
    limits.max_recipients = 1000;
    auto env = postern::queue::read_envelope(fd.get(), limits);
    if (!env.ok()) return 0;
    std::uint64_t total = 0;
    auto st = postern::queue::read_content(fd.get(), *env, [&total](std::string_view chunk) -> postern::Status {
        total += chunk.size();
        return {};
    });
    // A file that read_envelope accepted must stream exactly content_size bytes.
    if (!st.ok() || total != env->content_size) __builtin_trap();
    return 0;
}
