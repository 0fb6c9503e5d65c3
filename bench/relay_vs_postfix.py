#!/usr/bin/env python3
"""Relay throughput, postern vs Postfix: smtp-source -> MTA -> smtp-sink.

Load: Postfix's smtp-source, N parallel sessions, M messages of S bytes, one
recipient in a remote domain; each MTA relays through its SMTP client to
$relayhost = [127.0.0.20]:PORT, where smtp-sink dumps every transaction.
A run lasts from the first connection until the sink holds all M messages.
The MTAs alternate (A B A B ...), one at a time, on the same machine and
load; the result is the ratio of the medians. Run as root on Debian 12 with
postfix installed (its own daemon stays stopped; a private instance runs
under a temporary directory). The instances and the timing are bench/common.py's.

    python3 bench/relay_vs_postfix.py [--messages 2000] [--sessions 20]
                                      [--size 4096] [--runs 3] [--bin build/bin]
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from common import (Postern, Postfix, alternate, bench_args, free_port, report,  # noqa: E402
                    require_root_and, timed_run)

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
    # smtpd_peername_lookup=no: on a host whose resolver does not answer
    # for 127.0.0.1, smtpd's reverse lookup stalls each session for seconds
    # (0.07x on 2026-12-02); off, the run measures the relay path.
    p.ctl("config", "-e", f"relayhost=[{SINK_HOST}]:{sink.port}", "smtp_tls_security_level=none",
          "smtpd_peername_lookup=no")
    return p


def relay_postfix(work, sink):
    p = Postfix(work)
    with open(p.conf / "main.cf", "a") as f:
        f.write(f"relayhost = [{SINK_HOST}]:{sink.port}\nsmtp_tls_security_level = none\n")
    return p


def one_run(mta, sink, args):
    return timed_run(mta, args, RCPT, sink.count, sink.clear)


def main():
    args = bench_args(__doc__, 2000)
    require_root_and("smtp-source", "smtp-sink", "postfix")
    work = pathlib.Path(tempfile.mkdtemp(prefix="postern-relay-bench-"))
    os.chmod(work, 0o755)  # smtp-sink runs as nobody and must reach its dump directory
    sink = Sink(work)
    try:
        mtas = [relay_postern(work, pathlib.Path(args.bin), sink), relay_postfix(work, sink)]
        results = alternate(mtas, args.runs, lambda mta: one_run(mta, sink, args))
    finally:
        sink.stop()
        shutil.rmtree(work, ignore_errors=True)
    report(results, "relay throughput")


if __name__ == "__main__":
    main()
