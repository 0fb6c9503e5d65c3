// postern-queue: list, show, hold, release, requeue and delete queued mail.
// Runs as whoever calls it; what it may do is what the queue directory's
// permissions allow (root, the mail owner, a user instance's owner). Queue
// files are parsed with the bounded reader like any untrusted input.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "queue_tool.hpp"

using namespace postern;

namespace {

int usage() {
    std::fprintf(stderr, "usage: postern-queue [-c config_dir] list | show ID | {hold|release|requeue|delete} ID...|ALL | hoststat | purgestat\n");
    return ex::kUsage;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::optional<std::string> config_dir;
    if (args.size() >= 2 && args[0] == "-c") {
        config_dir = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.empty() || !queue_tool::known_command(args[0])) return usage();
    auto cfg = config::Config::load(config::resolve_config_dir(config_dir));
    if (!cfg) {
        std::fprintf(stderr, "postern-queue: fatal: %s\n", cfg.error().message.c_str());
        return ex::kConfig;
    }
    auto q = queue::QueueDir::open(cfg->get(config::params::queue_directory));
    if (!q) {
        std::fprintf(stderr, "postern-queue: fatal: %s\n", q.error().message.c_str());
        return ex::kUnavailable;
    }
    queue_tool::Invocation inv{std::move(*q), std::vector<std::string>(args.begin() + 1, args.end())};
    return queue_tool::run_command(args[0], inv);
}
