#!/usr/bin/env python3
"""postern vs Postfix over SMTP on one machine, same load, same client.

Load: Postfix's smtp-source, 20 parallel sessions, 5,000 messages of 4 KiB,
one recipient whose mail goes to a Maildir. Each run measures the time from
the first connection to the last delivered file, and the CPU time the MTA's
processes used (master + its children, reaped or alive). The two MTAs
alternate (A B A B ...), only one running at a time; the result is the ratio
of the medians. Run as root on Debian 12 with the postfix package installed
(its own daemon stays stopped: this script runs a private Postfix instance
under a temporary directory on a loopback port).

    python3 bench/smtp_vs_postfix.py [--messages 5000] [--sessions 20]
                                     [--size 4096] [--runs 3] [--bin build/bin]
"""
import os
import pathlib
import shutil
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from common import Postern, Postfix, alternate, bench_args, report, require_root_and, timed_run  # noqa: E402


def one_run(mta, args):
    def clear():
        for f in mta.maildir.iterdir():
            f.unlink()
    return timed_run(mta, args, mta.rcpt, lambda: sum(1 for _ in os.scandir(mta.maildir)), clear)


def main():
    args = bench_args(__doc__, 5000)
    require_root_and("smtp-source", "postfix")
    work = pathlib.Path(tempfile.mkdtemp(prefix="postern-bench-"))
    work.chmod(0o755)  # Postfix daemons run as the postfix user
    try:
        mtas = [Postern(work, pathlib.Path(args.bin)), Postfix(work)]
        results = alternate(mtas, args.runs, lambda mta: one_run(mta, args))
    finally:
        if not os.environ.get("BENCH_KEEP"):
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(work)
    report(results, "throughput")


if __name__ == "__main__":
    main()
