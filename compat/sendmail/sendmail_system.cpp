// -bd, -bD, -bP, -bC, -d (see the header).
#include "sendmail_system.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "lib/base/sysexits.hpp"
#include "lib/config/services.hpp"
#include "lib/queue/queue_dir.hpp"

extern char** environ;

namespace postern::sendmail {
namespace {

std::vector<char*> argv_of(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return argv;
}

}  // namespace

int start_daemon(const Options& o, const config::Config& cfg) {
    std::vector<std::string> args{cfg.get(config::params::command_directory) + "/postern-ctl", "-c",
                                  cfg.config_directory(), "start"};
    auto argv = argv_of(args);
    pid_t pid = 0;
    if (int rc = ::posix_spawn(&pid, args[0].c_str(), nullptr, nullptr, argv.data(), environ); rc != 0) {
        std::fprintf(stderr, "%s: cannot run %s: %s\n", o.program.c_str(), args[0].c_str(), std::strerror(rc));
        return rc == ENOENT ? ex::kOsFile : ex::kOsErr;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : ex::kSoftware;
}

int run_daemon_foreground(const Options& o, const config::Config& cfg) {
    std::vector<std::string> args{cfg.get(config::params::daemon_directory) + "/master", "-f", "-c",
                                  cfg.config_directory()};
    auto argv = argv_of(args);
    ::execv(args[0].c_str(), argv.data());
    int err = errno;
    std::fprintf(stderr, "%s: cannot run %s: %s\n", o.program.c_str(), args[0].c_str(), std::strerror(err));
    return err == ENOENT ? ex::kOsFile : ex::kOsErr;
}

int print_queue_counts(const Options& o, const config::Config& cfg) {
    const std::string root = cfg.get(config::params::queue_directory);
    auto q = queue::QueueDir::open(root);
    if (!q) {
        std::fprintf(stderr, "%s: fatal: %s\n", o.program.c_str(), q.error().message.c_str());
        return ex::kUnavailable;
    }
    std::size_t total = 0;
    int rc = ex::kOk;
    for (auto sub : {queue::kMaildrop, queue::kIncoming, queue::kActive, queue::kDeferred, queue::kHold,
                     queue::kCorrupt}) {
        auto ids = q->list(sub);
        if (!ids) {
            std::fprintf(stderr, "%s: %s/%s: %s\n", o.program.c_str(), root.c_str(), std::string(sub).c_str(),
                         ids.error().message.c_str());
            rc = ids.error().sys_errno == EACCES ? ex::kNoPerm : ex::kIoErr;
            continue;
        }
        std::printf("%s/%s: entries=%zu\n", root.c_str(), std::string(sub).c_str(), ids->size());
        total += ids->size();
    }
    std::printf("Total requests: %zu\n", total);
    return rc;
}

int check_config(const Options& o, const config::Config& cfg) {
    if (auto services = config::load_services(cfg.config_directory()); !services) {
        std::fprintf(stderr, "%s: %s\n", o.program.c_str(), services.error().message.c_str());
        return ex::kConfig;
    }
    return ex::kOk;
}

void print_debug(const Options& o, const config::Config& cfg) {
    for (int category : o.debug) {
        if (category != 0) continue;
        std::printf("Version postern %s (sendmail compatible)\n", POSTERN_VERSION);
        std::printf("  config_directory: %s\n", cfg.config_directory().c_str());
        std::printf("  queue_directory: %s\n", cfg.get(config::params::queue_directory).c_str());
        return;
    }
}

}  // namespace postern::sendmail
