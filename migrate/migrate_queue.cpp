#include "migrate_queue.hpp"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include "lib/base/safe_file.hpp"
#include "lib/base/strings.hpp"
#include "lib/queue/queue_dir.hpp"
#include "lib/queue/queue_file.hpp"
#include "migrate_qf.hpp"

namespace postern::migrate {
namespace {

constexpr std::string_view kRecordFile = "migrate-converted";
constexpr std::size_t kMaxRecordBytes = 256u << 20;

// "ID CREATED POSTERN_ID" per converted message.
class Record {
public:
    explicit Record(std::string path) : path_(std::move(path)) {
        auto text = read_file(path_, kMaxRecordBytes);
        if (!text) return;
        for (const auto& line : split_list(*text, "\n")) {
            auto f = split_list(line, " ");
            if (f.size() == 3) done_[f[0] + " " + f[1]] = f[2];
        }
    }
    const std::string* find(const std::string& key) const {
        auto it = done_.find(key);
        return it == done_.end() ? nullptr : &it->second;
    }
    Status add(const std::string& key, const std::string& postern_id) {
        UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd.get() < 0) return errno_error(path_);
        POSTERN_TRY(write_all(fd.get(), key + " " + postern_id + "\n"));
        if (::fsync(fd.get()) != 0) return errno_error(path_);
        done_[key] = postern_id;
        return {};
    }

private:
    std::string path_;
    std::map<std::string, std::string> done_;
};

// A running sendmail holds a lock on a qf it works on (fcntl or flock,
// depending on how it was built): ask for both without waiting.
bool locked_by_sendmail(int fd) {
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK) return true;
    struct flock fl {};
    fl.l_type = F_RDLCK;
    fl.l_whence = SEEK_SET;
    return ::fcntl(fd, F_SETLK, &fl) != 0 && (errno == EAGAIN || errno == EACCES);
}

struct Job {
    const QueueTarget& target;
    const QueueOptions& options;
    Plan& plan;
    Record record;
    std::string dfdir;
};

Status write_postern_file(Job& job, const QfMessage& qf, const std::string& id, int dffd, bool hold,
                          std::string& postern_id, std::vector<std::string>& unexpanded) {
    auto queue = queue::QueueDir::open(job.target.queue_directory);
    if (!queue) return queue.error();
    auto file = queue->create(hold ? queue::kHold : queue::kIncoming);
    if (!file) return file.error();
    auto fail = [&](Error e) -> Status { queue->abandon(*file); return e; };
    if (::geteuid() == 0) {
        const passwd* pw = ::getpwnam(job.target.mail_owner.c_str());
        if (!pw) return fail(make_error("mail_owner " + job.target.mail_owner + ": no such user"));
        if (::fchown(file->fd.get(), pw->pw_uid, pw->pw_gid) != 0) return fail(errno_error(file->temp_path));
    }
    queue::Writer writer(file->fd.get());
    if (auto st = writer.write_envelope(make_envelope(qf, id)); !st) return fail(st.error());
    if (auto st = writer.write_data(resolve_headers(qf, job.options.mailer_flags, unexpanded) + "\n"); !st)
        return fail(st.error());
    std::string buf(queue::kMaxData, '\0');
    for (;;) {
        ssize_t n = ::read(dffd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(errno_error("df" + id));
        if (n == 0) break;
        if (auto st = writer.write_data(std::string_view(buf.data(), static_cast<std::size_t>(n))); !st)
            return fail(st.error());
    }
    if (auto st = writer.finish(); !st) return fail(st.error());
    postern_id = file->queue_id;
    return queue->commit(*file);
}

std::string describe(const QfMessage& qf) {
    std::string s = "from=<" + (qf.null_sender() ? std::string{} : qf.sender) + ">, nrcpt=" +
                    std::to_string(qf.recipients.size());
    if (!qf.body_type.empty()) s += ", body=" + qf.body_type;
    return s;
}

void convert_one(Job& job, const std::string& qfpath, const std::string& id, bool hold) {
    std::string what = std::string(hold ? "hf" : "qf") + id;
    UniqueFd fd(::open(qfpath.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return job.plan.add(qfpath, what, Outcome::NotConverted, "cannot open as a regular file: " + errno_error("").message);
    if (locked_by_sendmail(fd.get()))
        return job.plan.add(qfpath, what, Outcome::NotConverted, "locked by a running sendmail; stop it and run again");
    if (static_cast<std::uint64_t>(st.st_size) > job.options.max_file_size)
        return job.plan.add(qfpath, what, Outcome::NotConverted, "larger than migrate_file_size_limit; left in place");
    auto bytes = read_file(qfpath, job.options.max_file_size);
    if (!bytes) return job.plan.add(qfpath, what, Outcome::NotConverted, bytes.error().message);
    auto qf = parse_qf(*bytes);
    if (!qf) return job.plan.add(qfpath, what, Outcome::NotConverted, "damaged, left in place: " + qf.error().message);
    std::string key = id + " " + std::to_string(qf->created);
    if (const auto* done = job.record.find(key))
        return job.plan.add(qfpath, what, Outcome::Converted, "already converted as postern queue ID " + *done);
    for (const auto& r : qf->recipients)
        if (auto why = unconvertible_reason(r); !why.empty())
            return job.plan.add(where(qfpath, r.line), what, Outcome::NotConverted,
                                why + " (" + r.address + (r.controller.empty() ? "" : ", as " + r.controller) +
                                    "): deliver it with sendmail before switching");
    if (qf->recipients.empty())
        return job.plan.add(qfpath, what, Outcome::ConvertedWithNote, "no undelivered recipients; nothing to convert");
    std::string dfpath = job.dfdir + "/df" + id;
    UniqueFd dffd(::open(dfpath.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (dffd.get() < 0)
        return job.plan.add(qfpath, what, Outcome::NotConverted, "damaged, left in place: " + errno_error(dfpath).message);
    std::string note = describe(*qf) + (hold ? ", quarantined (" + qf->quarantine + "): to hold/" : "");
    if (!job.options.apply) return job.plan.add(qfpath, what, Outcome::Converted, "will be queued: " + note);
    std::string postern_id;
    std::vector<std::string> unexpanded;
    if (auto w = write_postern_file(job, *qf, id, dffd.get(), hold, postern_id, unexpanded); !w)
        return job.plan.add(qfpath, what, Outcome::NotConverted, "not written: " + w.error().message);
    if (!unexpanded.empty()) note += "; headers keep sendmail macros it never expanded: " + join(unexpanded, ", ");
    if (auto r = job.record.add(key, postern_id); !r)
        return job.plan.add(qfpath, what, Outcome::ConvertedWithNote,
                            "queued as " + postern_id + " but not recorded (" + r.error().message + "): a second run would queue it again");
    job.plan.add(qfpath, what, unexpanded.empty() ? Outcome::Converted : Outcome::ConvertedWithNote,
                 "queued as " + postern_id + ": " + note);
}

bool is_dir(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void report_other(Plan& plan, const std::string& path, std::string_view prefix) {
    if (prefix == "Qf")
        plan.add(path, std::string(basename_of(path)), Outcome::NotConverted,
                 "lost queue file (sendmail gave up on it); look it up in the log, left in place");
    else if (prefix == "tf")
        plan.add(path, std::string(basename_of(path)), Outcome::NotConverted,
                 "temporary queue file: a sendmail is rewriting it or crashed; left in place");
    else if (prefix == "xf")
        plan.add(path, std::string(basename_of(path)), Outcome::ConvertedWithNote, "session transcript, not needed");
}

}  // namespace

std::vector<std::string> queue_directories(const std::string& root, const std::string& value) {
    std::string path = root + value;
    if (path.empty() || path.back() != '*') return {path};
    path.pop_back();
    std::string parent = dirname_of(path), prefix = basename_of(path);
    std::vector<std::string> out;
    if (auto names = list_dir(parent))
        for (const auto& n : *names)
            if (n.rfind(prefix, 0) == 0 && is_dir(parent + "/" + n)) out.push_back(parent + "/" + n);
    std::sort(out.begin(), out.end());
    return out;
}

void convert_queue(const QueueSource& source, const QueueTarget& target, const QueueOptions& options, Plan& plan) {
    std::string qfdir = is_dir(source.dir + "/qf") ? source.dir + "/qf" : source.dir;
    Job job{target, options, plan, Record(target.data_directory + "/" + std::string(kRecordFile)),
            is_dir(source.dir + "/df") ? source.dir + "/df" : source.dir};
    auto names = list_dir(qfdir);
    if (!names) return plan.add(source.declared_at, "queue " + source.dir, Outcome::NotConverted, names.error().message);
    std::sort(names->begin(), names->end());
    std::size_t messages = 0;
    for (const auto& n : *names) {
        if (n.size() < 3) continue;
        std::string prefix = n.substr(0, 2), path = qfdir + "/" + n;
        if (prefix == "qf" || prefix == "hf") {
            ++messages;
            convert_one(job, path, n.substr(2), prefix == "hf");
        } else {
            report_other(plan, path, prefix);
        }
    }
    if (is_dir(source.dir + "/xf"))
        if (auto xf = list_dir(source.dir + "/xf"))
            for (const auto& n : *xf) report_other(plan, source.dir + "/xf/" + n, n.substr(0, 2));
    plan.add(source.declared_at, "queue " + source.dir, Outcome::Converted,
             std::to_string(messages) + " queued message(s) examined");
}

}  // namespace postern::migrate
