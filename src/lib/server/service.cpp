// The start-up checklist every service runs before its loop: arguments,
// configuration, logging, the listening socket from master, signals, and
// the tie to master's lifetime.
#include "lib/server/service.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "lib/base/identity.hpp"
#include "lib/base/log.hpp"
#include "lib/base/strings.hpp"

namespace postern::server {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int) { g_stop = 1; }

struct Arguments {
    std::optional<std::string> config_dir;
    std::vector<std::string> rest;
};

// "-c DIR" (or "-cDIR") is recognised only in front, where master puts it;
// everything after it belongs to the service (args from services.conf).
Arguments parse_arguments(int argc, char** argv) {
    Arguments a;
    int i = 1;
    if (i < argc && std::strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
        a.config_dir = argv[i + 1];
        i += 2;
    } else if (i < argc && std::strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0') {
        a.config_dir = argv[i] + 2;
        i += 1;
    }
    for (; i < argc; ++i) a.rest.emplace_back(argv[i]);
    return a;
}

bool env_flag(const char* name, bool fallback) {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return fallback;
    return std::strcmp(v, "0") != 0;
}

bool log_to_stderr() { return isatty(STDERR_FILENO) == 1 || env_flag("POSTERN_LOG_STDERR", false); }

void init_logging(std::string_view program, const config::Config* cfg) {
    log::Options o;
    o.program = std::string(program);
    o.to_stderr = log_to_stderr();
    if (cfg != nullptr) {
        o.syslog_name = cfg->get(config::params::syslog_name);
        o.facility = cfg->get(config::params::syslog_facility);
        o.file = cfg->get(config::params::maillog_file);
    }
    log::init(o);
}

void install_signal_handlers() {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, nullptr);

    // No SA_RESTART: a blocking accept/poll/read must return EINTR so the
    // loop sees the stop request at once.
    struct sigaction stop {};
    stop.sa_handler = on_stop_signal;
    sigemptyset(&stop.sa_mask);
    stop.sa_flags = 0;
    sigaction(SIGTERM, &stop, nullptr);
    sigaction(SIGINT, &stop, nullptr);

    // master's signal mask is inherited through exec; make sure ours is clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
}

// A service must never outlive master: arm the parent-death signal, then
// check that master did not die before it was armed.
void tie_to_master() {
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0) log::warn("prctl(PR_SET_PDEATHSIG): %s", std::strerror(errno));
    const char* want = std::getenv("POSTERN_MASTER_PID");
    if (want == nullptr) return;
    auto pid = parse_int(want);
    if (pid && *pid != static_cast<std::int64_t>(getppid())) log::fatal("master (pid %s) is gone; exiting", want);
}

int check_listen_fd() {
    struct stat st {};
    if (fstat(kListenFd, &st) != 0 || !S_ISSOCK(st.st_mode))
        log::fatal("no listening socket on fd %d: run by master, not by hand", kListenFd);
    // Shared with sibling processes: a lost accept race must not block.
    int flags = fcntl(kListenFd, F_GETFL);
    if (flags >= 0) fcntl(kListenFd, F_SETFL, flags | O_NONBLOCK);
    return kListenFd;
}

}  // namespace

Context init_daemon(std::string_view program, int argc, char** argv) {
    init_logging(program, nullptr);
    Arguments args = parse_arguments(argc, argv);
    auto cfg = config::Config::load(config::resolve_config_dir(args.config_dir));
    if (!cfg) log::fatal("%s", cfg.error().message.c_str());
    init_logging(program, &cfg.value());

    const char* service = std::getenv("POSTERN_SERVICE");
    Context ctx{std::move(cfg).value(),
                std::string(program),
                service != nullptr && *service != '\0' ? std::string(service) : std::string(program),
                -1,
                env_flag("POSTERN_UNPRIV", true),
                env_flag("POSTERN_CHROOT", false),
                std::move(args.rest)};
    ctx.listen_fd = check_listen_fd();
    install_signal_handlers();
    tie_to_master();
    return ctx;
}

std::size_t raise_descriptor_limit() {
    struct rlimit rl {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit want = rl;
        want.rlim_cur = rl.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
    }
    return static_cast<std::size_t>(rl.rlim_cur);
}

void drop_privileges(const Context& ctx) {
    if (ctx.cfg.get(config::params::user_instance)) return;
    const std::string owner = ctx.cfg.get(config::params::mail_owner);
    // Look the user up before chroot: the passwd database is outside it.
    auto id = lookup_user(owner);
    if (ctx.unprivileged && !id) log::fatal("mail_owner: %s", id.error().message.c_str());
    if (ctx.chroot) {
        const std::string root = ctx.cfg.get(config::params::queue_directory);
        if (chroot(root.c_str()) != 0 || chdir("/") != 0)
            log::fatal("chroot %s: %s", root.c_str(), std::strerror(errno));
    }
    if (!ctx.unprivileged) return;
    if (id->uid == 0) log::fatal("mail_owner %s has uid 0: refusing to run as root", owner.c_str());
    if (auto st = become(*id); !st) log::fatal("cannot become %s: %s", owner.c_str(), st.error().message.c_str());
}

std::string queue_root(const Context& ctx) {
    bool chrooted = ctx.chroot && !ctx.cfg.get(config::params::user_instance);
    return chrooted ? "/" : ctx.cfg.get(config::params::queue_directory);
}

bool stop_requested() { return g_stop != 0; }

void request_stop() { g_stop = 1; }

void clear_stop_request() { g_stop = 0; }

}  // namespace postern::server
