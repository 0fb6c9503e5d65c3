#include "migrate_host.hpp"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/base/sysexits.hpp"
#include "lib/config/config.hpp"
#include "migrate_config.hpp"
#include "migrate_maps.hpp"
#include "migrate_queue.hpp"
#include "migrate_switch.hpp"

namespace postern::migrate {
namespace {

constexpr std::string_view kDefaultQueue = "/var/spool/mqueue";
constexpr std::string_view kClientQueue = "/var/spool/clientmqueue";

HostRun failed(int code, std::string why) {
    HostRun r;
    r.exit_code = code;
    r.error = std::move(why);
    return r;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// Queue groups: "Qname, P=/var/spool/mqueue/group*, r=2 ..." (the P= path).
std::vector<CfEntry> queue_groups(const CfFile& cf) {
    std::vector<CfEntry> out;
    for (const auto& e : cf.other) {
        if (e.name != "Q") continue;
        for (const auto& field : split_list(e.value, ",")) {
            auto f = trim(field);
            if (f.rfind("P=", 0) == 0) out.push_back({e.line, "Q", std::string(trim(f.substr(2)))});
        }
    }
    return out;
}

std::string smtp_mailer_flags(const CfFile& cf) {
    for (const char* name : {"esmtp", "smtp"})
        if (const auto* m = cf.mailer(name); m && m->fields.count("F")) return m->fields.at("F");
    return "mDFMuXa";
}

void convert_queues(const CfFile& cf, const config::Config& cfg, const HostOptions& o, std::uint64_t limit,
                    Plan& plan) {
    const auto* q = cf.option("QueueDirectory");
    std::string value = q ? q->value : std::string(kDefaultQueue);
    std::string declared = q ? where(cf.path, q->line) : cf.path;
    QueueTarget target{cfg.value("queue_directory").value_or(""), cfg.value("data_directory").value_or(""),
                       cfg.value("mail_owner").value_or("")};
    QueueOptions qo{o.apply, smtp_mailer_flags(cf), limit};
    std::vector<QueueSource> sources;
    auto add = [&](const std::string& path, const std::string& from) {
        for (const auto& d : queue_directories(o.root, path))
            if (std::none_of(sources.begin(), sources.end(), [&](const QueueSource& s) { return s.dir == d; }))
                sources.push_back({d, from});
    };
    add(value, declared);
    for (const auto& group : queue_groups(cf)) add(group.value, where(cf.path, group.line));
    if (sources.empty()) plan.add(declared, "queue " + value, Outcome::ConvertedWithNote, "no queue directory found");
    for (const auto& s : sources) convert_queue(s, target, qo, plan);
    if (std::string client = o.root + std::string(kClientQueue); exists(client))
        convert_queue(QueueSource{client, client}, target, qo, plan);
}

}  // namespace

HostRun run_host(const HostOptions& o) {
    std::string config_dir = config::resolve_config_dir(o.config_dir);
    auto loaded = config::Config::load(config_dir);
    if (!loaded && o.apply) return failed(ex::kConfig, loaded.error().message);
    config::Config cfg = loaded ? *loaded : config::Config::defaults(config_dir);
    std::uint64_t limit = cfg.get(config::params::migrate_file_size_limit);

    std::string cf_path = o.root + "/etc/mail/sendmail.cf";
    auto cf_text = read_file(cf_path, limit);
    if (!cf_text) return failed(ex::kNoInput, cf_text.error().message);
    HostRun run;
    std::string mc_path = o.root + "/etc/mail/sendmail.mc";
    if (auto mc_text = read_file(mc_path, limit)) describe_mc(parse_mc(*mc_text, mc_path), run.plan);
    CfFile cf = parse_cf(*cf_text, cf_path);
    auto settings = convert_cf(cf, CfContext{o.root, limit}, run.plan);
    describe_rules(cf, run.plan);
    auto tables = convert_tables(cf, CfContext{o.root, limit}, TablesTarget{config_dir, o.apply}, run.plan);
    if (!tables) return failed(ex::kCantCreat, tables.error().message);
    settings.insert(settings.end(), tables->begin(), tables->end());
    if (o.apply) {
        if (auto st = write_settings(config_dir, settings); !st) return failed(ex::kConfig, st.error().message);
        std::string data = cfg.value("data_directory").value_or("");
        if (::mkdir(data.c_str(), 0700) != 0 && errno != EEXIST)
            return failed(ex::kCantCreat, errno_error(data).message);
    }
    convert_queues(cf, cfg, o, limit, run.plan);
    run.exit_code = run.plan.needs_human() ? 1 : 0;
    return run;
}

namespace {

// postern-ctl -c DIR start, without a shell.
Status start_postern(const std::string& command_dir, const std::string& config_dir) {
    std::string ctl = command_dir + "/postern-ctl";
    pid_t pid = ::fork();
    if (pid < 0) return errno_error("fork");
    if (pid == 0) {
        ::execl(ctl.c_str(), ctl.c_str(), "-c", config_dir.c_str(), "start", static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return make_error(ctl + " start failed");
    return {};
}

HostRun lines_run(const Result<std::vector<std::string>>& lines, const std::string& source) {
    if (!lines) return failed(ex::kCantCreat, lines.error().message);
    HostRun run;
    for (const auto& l : *lines) run.plan.add(source, l, Outcome::Converted);
    return run;
}

}  // namespace

HostRun run_switch(const HostOptions& o, bool no_start) {
    std::string config_dir = config::resolve_config_dir(o.config_dir);
    auto cfg = config::Config::load(config_dir);
    if (!cfg) return failed(ex::kConfig, cfg.error().message);
    std::string command_dir = cfg->value("command_directory").value_or("");
    SwitchOptions so;
    so.root = o.root;
    so.postern_sendmail = command_dir + "/sendmail";
    HostRun run = lines_run(switch_to_postern(so), "switch");
    if (!run.error.empty() || no_start) return run;
    if (auto st = start_postern(command_dir, config_dir); !st)
        run.plan.add("switch", "start postern", Outcome::NotConverted, st.error().message);
    else
        run.plan.add("switch", "started postern", Outcome::Converted);
    run.exit_code = run.plan.needs_human() ? 1 : 0;
    return run;
}

HostRun run_rollback(const HostOptions& o) { return lines_run(rollback_switch(o.root), "rollback"); }

}  // namespace postern::migrate
