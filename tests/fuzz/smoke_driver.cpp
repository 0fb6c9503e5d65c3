// Runs a libFuzzer target without libFuzzer, so every fuzz target is built
// and exercised by ctest with any compiler: first on the files named on the
// command line (a corpus), then on N deterministic pseudo-random inputs that
// mix random bytes with mutations of the corpus. Real fuzzing: build the same
// target with clang -fsanitize=fuzzer (cmake -DPOSTERN_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::string mutate(std::string s, std::mt19937& rng) {
    std::uniform_int_distribution<int> op(0, 3), byte(0, 255);
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < edits && !s.empty(); ++i) {
        std::size_t at = rng() % s.size();
        switch (op(rng)) {
            case 0: s[at] = static_cast<char>(byte(rng)); break;
            case 1: s.erase(at, 1 + rng() % 16); break;
            case 2: s.insert(at, 1, static_cast<char>(byte(rng))); break;
            default: s.resize(at); break;
        }
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> corpus;
    long runs = 20000;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.rfind("-runs=", 0) == 0) {
            runs = std::strtol(arg.c_str() + 6, nullptr, 10);
            continue;
        }
        std::ifstream in(arg, std::ios::binary);
        corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    for (const auto& c : corpus) LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(c.data()), c.size());
    std::mt19937 rng(12345);
    for (long r = 0; r < runs; ++r) {
        std::string input;
        if (!corpus.empty() && r % 2 == 0) {
            input = mutate(corpus[rng() % corpus.size()], rng);
        } else {
            input.resize(rng() % 512);
            for (auto& ch : input) ch = static_cast<char>(rng());
        }
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    }
    std::printf("%ld inputs, no crash\n", runs + static_cast<long>(corpus.size()));
    return 0;
}
