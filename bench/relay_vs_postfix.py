#!/usr/bin/env python3
"""Relay throughput, postern vs Postfix: smtp-source -> MTA -> smtp-sink.

Load: Postfix's smtp-source, N parallel sessions, M messages of S bytes, one
recipient in a remote domain; each MTA relays through its SMTP client to
$relayhost = [127.0.0.20]:PORT, where smtp-sink dumps every transaction.
A run lasts from the first connection until the sink holds all M messages.
The MTAs alternate (A B A B ...), one at a time, on the same machine and
load; the result is the ratio of the medians. Run as root on Debian 12 with
postfix installed (its own daemon stays stopped; a private instance runs
under a temporary directory). Reuses the instances of smtp_vs_postfix.py.

    python3 bench/relay_vs_postfix.py [--messages 2000] [--sessions 20]
                                      [--size 4096] [--runs 3] [--bin build/bin]
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from smtp_vs_postfix import Postern, Postfix, free_port, tree_cpu_seconds  # noqa: E402

SINK_HOST = "127.0.0.20"
RCPT = "bench@relay.example"


class Sink:
    def __init__(self, work):
        self.port = free_port()
        self.dir = work / "sink"
        self.dir.mkdir()
        os.chmod(self.dir, 0o777)
        self.proc = subprocess.Popen(["smtp-sink", "-u", "nobody", "-d", str(self.dir / "%H%M%S."),
                                      f"{SINK_HOST}:{self.port}", "256"])
        time.sleep(0.5)

    def count(self):
        return sum(1 for _ in os.scandir(self.dir))

    def clear(self):
        for f in os.scandir(self.dir):
            os.unlink(f.path)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def relay_postern(work, bindir, sink):
    p = Postern(work, bindir)
    p.ctl("config", "-e", f"relayhost=[{SINK_HOST}]:{sink.port}", "smtp_tls_security_level=none")
    return p


def relay_postfix(work, sink):
    p = Postfix(work)
    with open(p.conf / "main.cf", "a") as f:
        f.write(f"relayhost = [{SINK_HOST}]:{sink.port}\nsmtp_tls_security_level = none\n")
    return p


def one_run(mta, sink, args):
    sink.clear()
    mta.start()
    time.sleep(1)
    master = mta.master_pid()
    cpu0 = tree_cpu_seconds(master)
    t0 = time.monotonic()
    src = subprocess.Popen(["smtp-source", "-s", str(args.sessions), "-m", str(args.messages), "-l", str(args.size),
                            "-f", "bench@example.org", "-t", RCPT, f"127.0.0.1:{mta.port}"])
    deadline = t0 + 900
    while sink.count() < args.messages:
        if time.monotonic() > deadline:
            sys.exit(f"{mta.name}: not all messages relayed within 900 s")
        time.sleep(0.02)
    elapsed = time.monotonic() - t0
    src.wait()
    cpu = tree_cpu_seconds(master) - cpu0
    mta.stop()
    rate = args.messages / elapsed
    print(f"{mta.name:8s} {rate:8.1f} msg/s  {elapsed:7.2f} s  cpu {cpu * 1000 / args.messages:6.2f} ms/msg", flush=True)
    return rate, cpu * 1000 / args.messages


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=str(pathlib.Path(__file__).resolve().parents[1] / "build" / "bin"))
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (Postfix's master must start as root)")
    for tool in ("smtp-source", "smtp-sink", "postfix"):
        if not shutil.which(tool):
            sys.exit(f"{tool} missing: scripts/install-deps.sh")
    work = pathlib.Path(tempfile.mkdtemp(prefix="postern-relay-bench-"))
    os.chmod(work, 0o755)  # smtp-sink runs as nobody and must reach its dump directory
    results = {"postern": [], "postfix": []}
    sink = Sink(work)
    try:
        mtas = [relay_postern(work, pathlib.Path(args.bin), sink), relay_postfix(work, sink)]
        for _ in range(args.runs):
            for mta in mtas:
                results[mta.name].append(one_run(mta, sink, args))
    finally:
        sink.stop()
        shutil.rmtree(work, ignore_errors=True)
    med = {k: (statistics.median(r for r, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
    print(f"median   postern {med['postern'][0]:.1f} msg/s, {med['postern'][1]:.2f} ms CPU/msg; "
          f"postfix {med['postfix'][0]:.1f} msg/s, {med['postfix'][1]:.2f} ms CPU/msg")
    print(f"ratio    relay throughput postern/postfix = {med['postern'][0] / med['postfix'][0]:.2f}x; "
          f"CPU per message postern/postfix = {med['postern'][1] / med['postfix'][1]:.2f}")


if __name__ == "__main__":
    main()
