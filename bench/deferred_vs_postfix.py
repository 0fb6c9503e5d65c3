#!/usr/bin/env python3
"""Deferred queue, postern vs Postfix: N deferred messages, qmgr's memory,
the time of a full queue run, and mailq on the full queue.

Method, the same for each MTA, one MTA at a time on the same machine:
1. Fill. Every message goes to one remote recipient and leaves through
   $relayhost = [127.0.0.1]:PORT. With --peer refused (default) nothing
   listens there: the first connection is refused, the SMTP client reports
   4.4.1, qmgr marks the destination dead and defers the rest without
   connecting ("delivery temporarily suspended"), which is how a queue of a
   dead site behaves. With --peer 4xx Postfix's smtp-sink listens and
   answers every RCPT with 450, so each message costs a real SMTP session
   (slow; meant for small N). smtp-source injects N messages of --size
   bytes over --sessions parallel sessions; the fill ends when deferred/
   holds N files and active/ and incoming/ are empty.
   Both MTAs get minimal_backoff_time = 3600s, maximal_backoff_time = 7200s
   and queue_run_delay = 3600s, so no periodic queue run or retry happens
   during the measurement, and keep maximal_queue_lifetime = 5d (nothing
   bounces). qmgr_message_active_limit keeps both defaults (20,000).
2. Full queue: qmgr's VmRSS and VmHWM (/proc/PID/status), before the fill
   (empty queue) and after it; files and bytes on disk under the queue
   directory.
3. mailq on the full queue: postern's `sendmail -bp`, Postfix's
   `postqueue -p` (whose work happens in the showq daemon: its CPU is in
   the master's process tree, its peak memory is sampled). Wall time,
   CPU (the client plus the MTA's processes), peak RSS, listed requests.
4. Full scan: the administrator's flush (postern `sendmail -q`, Postfix
   `postqueue -f`; both revive dead destinations) with the peer still
   failing. The scan is complete when the log has N new "status=deferred"
   lines and active/ is empty again; it gives up when neither that count
   nor the number of files in active/ changed for --stall seconds, and
   says how many were attempted. Recorded: time, when the first attempt
   was logged, CPU of the MTA's processes (master and its children),
   qmgr's peak RSS sampled every 0.5 s and its VmHWM afterwards.
The summary gives the ratios postern/postfix. One run per MTA (at N =
100,000 a run takes minutes; --runs is ignored); the queues are deleted
afterwards (BENCH_KEEP=1 keeps them). The MTAs inherit this shell's
`ulimit -n`, which matters to a qmgr that keeps queue files open. Run as
root on Debian 12 with postfix installed (its own daemon stays stopped).

    python3 bench/deferred_vs_postfix.py [--messages 100000] [--sessions 20]
                                         [--size 1024] [--peer refused|4xx]
                                         [--stall 60] [--only postern|postfix]
                                         [--postern-set NAME=VALUE]
                                         [--bin build/bin]
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from common import (Postern, Postfix, bench_args, children_named, count_files, free_port,  # noqa: E402
                    proc_status_kib, require_root_and, tree_cpu_seconds, tree_files_and_bytes)

RCPT = "bench@deferred.example"
QUIET = {"minimal_backoff_time": "3600s", "maximal_backoff_time": "7200s", "queue_run_delay": "3600s",
         "maximal_queue_lifetime": "5d", "smtp_tls_security_level": "none"}


def extra_args(ap):
    ap.add_argument("--peer", choices=("refused", "4xx"), default="refused")
    ap.add_argument("--postern-set", action="append", default=[], metavar="NAME=VALUE",
                    help="extra postern parameter, e.g. qmgr_message_active_limit=5000 (repeatable)")
    ap.add_argument("--only", choices=("postern", "postfix"), help="run one MTA (no ratios), e.g. to profile it")
    ap.add_argument("--stall", type=float, default=60.0,
                    help="end the scan when no message was attempted for this many seconds")


def postern_instance(work, bindir, relay, extra):
    p = Postern(work, bindir)
    settings = dict(QUIET, relayhost=relay, smtpd_peername_lookup="no")
    p.ctl("config", "-e", *(f"{k}={v}" for k, v in settings.items()), *extra)
    p.queue = p.dir / "queue"
    p.log = p.dir / "log" / "maillog"
    p.mailq = [str(bindir / "sendmail"), "-bp"]
    p.flush = [str(bindir / "sendmail"), "-q"]
    return p


def postfix_instance(work, relay):
    p = Postfix(work)
    with open(p.conf / "main.cf", "a") as f:
        f.writelines(f"{k} = {v}\n" for k, v in dict(QUIET, relayhost=relay).items())
    p.queue = p.dir / "queue"
    p.log = p.dir / "maillog"
    p.env = dict(os.environ)
    p.mailq = ["postqueue", "-c", str(p.conf), "-p"]
    p.flush = ["postqueue", "-c", str(p.conf), "-f"]
    return p


class LogCounter:
    """Counts "status=deferred" lines appended to a log after creation."""

    def __init__(self, path):
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0
        self.rest = b""
        self.count = 0

    def poll(self):
        if not self.path.exists():
            return self.count
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read()
        self.offset += len(data)
        lines = (self.rest + data).split(b"\n")
        self.rest = lines.pop()
        self.count += sum(1 for line in lines if b"status=deferred" in line)
        return self.count


class Sampler(threading.Thread):
    """Largest VmRSS of the processes pids() names, every `every` seconds."""

    def __init__(self, pids, every=0.5):
        super().__init__(daemon=True)
        self.pids, self.every, self.peak = pids, every, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for pid in self.pids():
                s = proc_status_kib(pid, "VmRSS")
                self.peak = max(self.peak, s["VmRSS"])
            self.done.wait(self.every)

    def stop(self):
        self.done.set()
        self.join()
        return self.peak


def qmgr_pid(mta):
    pids = children_named(mta.master_pid(), "qmgr")
    if len(pids) != 1:
        sys.exit(f"{mta.name}: expected one qmgr process, found {pids}")
    return pids[0]


def queued(mta, sub):
    return count_files(mta.queue / sub)


def fill(mta, args):
    src = subprocess.Popen(["smtp-source", "-s", str(args.sessions), "-m", str(args.messages), "-l", str(args.size),
                            "-f", "bench@example.org", "-t", RCPT, f"127.0.0.1:{mta.port}"])
    t0 = time.monotonic()
    deadline = t0 + 600 + args.messages / 20
    while True:
        if src.poll() is not None and src.returncode != 0:
            sys.exit(f"{mta.name}: smtp-source failed ({src.returncode})")
        if queued(mta, "deferred") >= args.messages and queued(mta, "active") == 0 and queued(mta, "incoming") == 0:
            break
        if time.monotonic() > deadline:
            sys.exit(f"{mta.name}: only {queued(mta, 'deferred')} of {args.messages} deferred after the fill")
        time.sleep(1)
    src.wait()
    return time.monotonic() - t0


def run_mailq(mta):
    """(seconds, CPU s of client + MTA, peak KiB of client or showq, requests listed)."""
    master = mta.master_pid()
    showq = Sampler(lambda: children_named(master, "showq"), every=0.1)
    showq.start()
    cpu0 = tree_cpu_seconds(master)
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(mta.mailq, env=mta.env, stdout=out)
        _, status, ru = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - t0
        out.seek(0)
        lines = out.read().splitlines()
    cpu = ru.ru_utime + ru.ru_stime + tree_cpu_seconds(master) - cpu0
    peak = max(ru.ru_maxrss, showq.stop())
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{mta.name}: {' '.join(mta.mailq)} failed")
    summary = lines[-1].decode(errors="replace") if lines else ""
    return elapsed, cpu, peak, summary


def full_scan(mta, args, qmgr):
    master = mta.master_pid()
    counter = LogCounter(mta.log)
    sampler = Sampler(lambda: [qmgr])
    sampler.start()
    cpu0 = tree_cpu_seconds(master)
    t0 = time.monotonic()
    subprocess.run(mta.flush, env=mta.env, check=True, capture_output=True)
    last, last_change, first = None, t0, None
    while True:
        n, active = counter.poll(), queued(mta, "active")
        now = time.monotonic()
        if first is None and n > 0:
            first = now - t0
        if (n, active) != last:
            last, last_change = (n, active), now
        if n >= args.messages and active == 0:
            break
        if now - last_change > args.stall:
            break
        time.sleep(0.2)
    stalled = n < args.messages
    elapsed = (last_change if stalled else time.monotonic()) - t0
    cpu = tree_cpu_seconds(master) - cpu0
    peak = sampler.stop()
    hwm = proc_status_kib(qmgr, "VmHWM")["VmHWM"]
    # VmRSS may be sampled above the VmHWM read afterwards (per-thread counters are folded in lazily).
    peak = max(peak, hwm)
    return {"seconds": elapsed, "first": first if first is not None else float("nan"), "attempted": n, "stalled": stalled, "cpu": cpu, "peak_rss": peak, "hwm": hwm,
            "active_left": queued(mta, "active")}


def one_mta(mta, args):
    mta.start()
    try:
        time.sleep(1)
        qmgr = qmgr_pid(mta)
        empty = proc_status_kib(qmgr, "VmRSS", "VmHWM")
        fill_s = fill(mta, args)
        full = proc_status_kib(qmgr, "VmRSS", "VmHWM")
        files, disk = tree_files_and_bytes(mta.queue)
        mq = run_mailq(mta)
        scan = full_scan(mta, args, qmgr)
        if qmgr_pid(mta) != qmgr:
            print(f"{mta.name}: WARNING qmgr was restarted during the run", flush=True)
    finally:
        mta.stop()
    r = {"fill_s": fill_s, "empty_rss": empty["VmRSS"], "full_rss": full["VmRSS"], "full_hwm": full["VmHWM"],
         "files": files, "disk": disk, "mailq": mq, "scan": scan}
    print_one(mta.name, args, r)
    return r


def print_one(name, args, r):
    s, mq = r["scan"], r["mailq"]
    print(f"{name:8s} fill {args.messages} msgs {r['fill_s']:7.1f} s ({args.messages / r['fill_s']:.0f} msg/s); "
          f"queue {r['files']} files {r['disk'] / 2**20:.1f} MiB", flush=True)
    print(f"{name:8s} qmgr RSS empty {r['empty_rss']} KiB, full {r['full_rss']} KiB (HWM {r['full_hwm']} KiB)",
          flush=True)
    print(f"{name:8s} mailq {mq[0]:6.2f} s, cpu {mq[1]:6.2f} s, peak {mq[2]} KiB, '{mq[3]}'", flush=True)
    done = f"STALLED after {s['attempted']} of {args.messages}" if s["stalled"] else f"{s['attempted']} attempted"
    print(f"{name:8s} scan {s['seconds']:7.2f} s ({done}; first after {s['first']:.2f} s; "
          f"{s['active_left']} left in active/), "
          f"cpu {s['cpu']:6.2f} s, qmgr peak RSS {s['peak_rss']} KiB, HWM {s['hwm']} KiB", flush=True)


def ratio(a, b):
    return f"{a / b:.2f}" if b else "n/a"


def summary(pn, pf):
    print("ratios postern/postfix:")
    print(f"  qmgr RSS with the full queue  {ratio(pn['full_rss'], pf['full_rss'])} "
          f"({pn['full_rss']} vs {pf['full_rss']} KiB)")
    print(f"  qmgr peak RSS during the scan {ratio(pn['scan']['peak_rss'], pf['scan']['peak_rss'])} "
          f"({pn['scan']['peak_rss']} vs {pf['scan']['peak_rss']} KiB)")
    sn, sf = pn["scan"], pf["scan"]
    if sn["stalled"] or sf["stalled"]:
        print(f"  full scan time                not comparable: attempted {sn['attempted']} vs {sf['attempted']} "
              f"({sn['seconds']:.2f} vs {sf['seconds']:.2f} s)")
    else:
        print(f"  full scan time                {ratio(sn['seconds'], sf['seconds'])} "
              f"({sn['seconds']:.2f} vs {sf['seconds']:.2f} s)")
    rate_n, rate_f = sn["attempted"] / sn["seconds"], sf["attempted"] / sf["seconds"]
    print(f"  scan rate (attempts/s)        {ratio(rate_n, rate_f)} ({rate_n:.0f} vs {rate_f:.0f})")
    cpu_n, cpu_f = (1000 * s["cpu"] / max(1, s["attempted"]) for s in (sn, sf))
    print(f"  scan CPU per attempt          {ratio(cpu_n, cpu_f)} ({cpu_n:.3f} vs {cpu_f:.3f} ms)")
    print(f"  mailq time                    {ratio(pn['mailq'][0], pf['mailq'][0])} "
          f"({pn['mailq'][0]:.2f} vs {pf['mailq'][0]:.2f} s)")
    print(f"  mailq CPU                     {ratio(pn['mailq'][1], pf['mailq'][1])}")
    print(f"  mailq peak RSS                {ratio(pn['mailq'][2], pf['mailq'][2])} "
          f"({pn['mailq'][2]} vs {pf['mailq'][2]} KiB)")
    print(f"  queue on disk                 {ratio(pn['disk'], pf['disk'])} "
          f"({pn['disk'] / 2**20:.1f} vs {pf['disk'] / 2**20:.1f} MiB)")


class Peer:
    """Where the relayed mail goes: a closed port, or smtp-sink answering 450 to RCPT."""

    def __init__(self, kind):
        self.port = free_port()
        self.proc = None
        if kind == "4xx":
            self.proc = subprocess.Popen(["smtp-sink", "-u", "nobody", "-r", "RCPT", f"127.0.0.1:{self.port}", "256"])
            time.sleep(0.5)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait()


def main():
    args = bench_args(__doc__, 100000, extra_args, size=1024)
    require_root_and("smtp-source", "postfix", "postqueue")
    print(f"nproc {os.cpu_count()}, messages {args.messages}, size {args.size}, sessions {args.sessions}, "
          f"peer {args.peer}", flush=True)
    peer = Peer(args.peer)
    relay = f"[127.0.0.1]:{peer.port}"
    results = {}
    try:
        makers = {"postern": lambda w: postern_instance(w, pathlib.Path(args.bin), relay, args.postern_set),
                  "postfix": lambda w: postfix_instance(w, relay)}
        for name, make in makers.items():
            if args.only and name != args.only:
                continue
            work = pathlib.Path(tempfile.mkdtemp(prefix="postern-deferred-bench-"))
            work.chmod(0o755)  # Postfix daemons run as the postfix user
            try:
                mta = make(work)
                results[mta.name] = one_mta(mta, args)
            finally:
                if not os.environ.get("BENCH_KEEP"):
                    shutil.rmtree(work, ignore_errors=True)
                else:
                    print(work)
    finally:
        peer.stop()
    if len(results) == 2:
        summary(results["postern"], results["postfix"])


if __name__ == "__main__":
    main()
