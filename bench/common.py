"""Shared parts of the postern-vs-Postfix benchmarks: private instances of
both MTAs on loopback ports (Postern, Postfix), CPU accounting of a
process tree, one timed smtp-source run, the command line, and the
median/ratio report. Run as root on Debian 12 with the postfix package
installed (its own daemon stays stopped).
"""
import argparse
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_table():
    out = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        f = text[text.rindex(")") + 2:].split()
        out[int(stat.parent.name)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))
    return out  # pid -> (ppid, own ticks, reaped children's ticks)


def tree_cpu_seconds(root):
    """CPU of root, its live descendants, and the children it reaped."""
    table = proc_table()
    if root not in table:
        return 0.0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        ppid, own, reaped = table[pid]
        total += own + (reaped if pid == root else 0)
        todo += [p for p, v in table.items() if v[0] == pid]
    return total / HZ


def wait_port(port, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(4).startswith(b"220"):
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing answers on port {port}")


class Postern:
    name = "postern"

    def __init__(self, work, bindir):
        self.dir = work / "postern"
        self.bin = bindir
        self.port = free_port()
        self.env = dict(os.environ, POSTERN_CONFIG_DIR=str(self.dir))
        self.ctl("init", str(self.dir), "--user-instance", "--port", str(self.port))
        # The same delivery parallelism as Postfix's virtual(8) below
        # (virtual_destination_concurrency_limit defaults to 20), and the
        # same process limit (a user instance's main.conf says 10).
        self.ctl("config", "-e", "local_destination_concurrency_limit=20")
        self.ctl("config", "-e", "default_process_limit=100")
        self.rcpt = "alice@localhost"
        self.maildir = self.dir / "mail" / "alice" / "new"

    def ctl(self, *args):
        subprocess.run([str(self.bin / "postern-ctl"), *args], env=self.env, check=True, capture_output=True)

    def start(self):
        self.ctl("start")
        wait_port(self.port)

    def stop(self):
        self.ctl("stop")

    def master_pid(self):
        return int((self.dir / "queue" / "pid" / "master.pid").read_text().split()[0])


class Postfix:
    name = "postfix"

    def __init__(self, work):
        self.dir = work / "postfix"
        self.port = free_port()
        conf = self.dir / "conf"
        conf.mkdir(parents=True)
        (self.dir / "queue").mkdir()
        (self.dir / "data").mkdir()
        mail = self.dir / "mail"
        (mail / "alice").mkdir(parents=True)
        uid, gid = int(subprocess.check_output(["id", "-u", "postfix"])), int(subprocess.check_output(["id", "-g", "postfix"]))
        shutil.chown(mail, uid, gid)
        shutil.chown(self.dir / "data", uid, gid)
        for sub in ("alice", "alice/new", "alice/cur", "alice/tmp"):
            (mail / sub).mkdir(exist_ok=True)
            shutil.chown(mail / sub, uid, gid)
        (conf / "main.cf").write_text(f"""compatibility_level = 3.6
queue_directory = {self.dir}/queue
data_directory = {self.dir}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = bench.localdomain
mydestination =
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = bench.test
virtual_mailbox_base = {mail}
virtual_mailbox_maps = inline:{{ alice@bench.test=alice/ }}
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
biff = no
maillog_file_prefixes = {self.dir}
maillog_file = {self.dir}/maillog
""")
        lines = []
        for line in pathlib.Path("/etc/postfix/master.cf").read_text().splitlines():
            f = line.split()
            if line.startswith(("#", " ", "\t")) or len(f) < 8:
                lines.append(line)
                continue
            if f[0] == "smtp" and f[1] == "inet":
                f[0] = f"127.0.0.1:{self.port}"
            f[4] = "n"  # no chroot: the queue is under a temporary directory
            lines.append(" ".join(f))
        (conf / "master.cf").write_text("\n".join(lines) + "\n")
        self.conf = conf
        self.rcpt = "alice@bench.test"
        self.maildir = mail / "alice" / "new"

    def start(self):
        r = subprocess.run(["postfix", "-c", str(self.conf), "start"], capture_output=True)
        if r.returncode != 0:
            log = self.dir / "maillog"
            sys.exit("postfix start failed:\n" + (log.read_text()[-2000:] if log.exists() else r.stderr.decode()))
        wait_port(self.port)

    def stop(self):
        subprocess.run(["postfix", "-c", str(self.conf), "stop"], check=True, capture_output=True)
        time.sleep(1)

    def master_pid(self):
        return int((self.dir / "queue" / "pid" / "master.pid").read_text().split()[0])


def timed_run(mta, args, rcpt, delivered, reset):
    """smtp-source -> mta until delivered() reaches args.messages; returns
    (messages/s, CPU ms per message of master and all its children)."""
    reset()
    mta.start()
    time.sleep(1)
    master = mta.master_pid()
    cpu0 = tree_cpu_seconds(master)
    t0 = time.monotonic()
    src = subprocess.Popen(["smtp-source", "-s", str(args.sessions), "-m", str(args.messages), "-l", str(args.size),
                            "-f", "bench@example.org", "-t", rcpt, f"127.0.0.1:{mta.port}"])
    deadline = t0 + 900
    while delivered() < args.messages:
        if time.monotonic() > deadline:
            sys.exit(f"{mta.name}: not all messages arrived within 900 s")
        time.sleep(0.02)
    elapsed = time.monotonic() - t0
    src.wait()
    cpu = tree_cpu_seconds(master) - cpu0
    mta.stop()
    rate = args.messages / elapsed
    print(f"{mta.name:8s} {rate:8.1f} msg/s  {elapsed:7.2f} s  cpu {cpu * 1000 / args.messages:6.2f} ms/msg", flush=True)
    return rate, cpu * 1000 / args.messages


def bench_args(doc, messages, extra=None, size=4096):
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=messages)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--size", type=int, default=size)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=str(pathlib.Path(__file__).resolve().parents[1] / "build" / "bin"))
    if extra:
        extra(ap)
    return ap.parse_args()


def require_root_and(*tools):
    if os.geteuid() != 0:
        sys.exit("run as root (Postfix's master must start as root)")
    for tool in tools:
        if not shutil.which(tool):
            sys.exit(f"{tool} missing: apt-get install postfix (scripts/install-deps.sh)")


def alternate(mtas, runs, run_one):
    """A B A B ...: one MTA at a time on the same machine and load."""
    results = {m.name: [] for m in mtas}
    for _ in range(runs):
        for mta in mtas:
            results[mta.name].append(run_one(mta))
    return results


def report(results, what):
    med = {k: (statistics.median(r for r, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    print(f"median   postern {med['postern'][0]:.1f} msg/s, {med['postern'][1]:.2f} ms CPU/msg; "
          f"postfix {med['postfix'][0]:.1f} msg/s, {med['postfix'][1]:.2f} ms CPU/msg")
    print(f"ratio    {what} postern/postfix = {med['postern'][0] / med['postfix'][0]:.2f}x; "
          f"CPU per message postern/postfix = {med['postern'][1] / med['postfix'][1]:.2f}")


def proc_status_kib(pid, *fields):
    """VmRSS/VmHWM/... of pid from /proc/PID/status in KiB (0 if gone)."""
    out = dict.fromkeys(fields, 0)
    try:
        for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in out:
                out[key] = int(value.split()[0])
    except OSError:
        pass
    return out


def children_named(root, name):
    """PIDs of root's live descendants whose command name is name."""
    table, found, todo = proc_table(), [], [root]
    while todo:
        pid = todo.pop()
        kids = [p for p, v in table.items() if v[0] == pid]
        todo += kids
        for kid in kids:
            try:
                if pathlib.Path(f"/proc/{kid}/comm").read_text().strip() == name:
                    found.append(kid)
            except OSError:
                pass
    return found


def tree_files_and_bytes(top):
    """(regular files, bytes allocated on disk) under top."""
    files = blocks = 0
    for dirpath, _, names in os.walk(top):
        for n in names:
            try:
                st = os.lstat(os.path.join(dirpath, n))
            except OSError:
                continue
            files += 1
            blocks += st.st_blocks
    return files, blocks * 512


def count_files(top):
    """Files under top, from directory entries only (no stat per file)."""
    count, todo = 0, [top]
    while todo:
        try:
            with os.scandir(todo.pop()) as it:
                for e in it:
                    if e.is_dir(follow_symlinks=False):
                        todo.append(e.path)
                    else:
                        count += 1
        except OSError:
            pass
    return count
