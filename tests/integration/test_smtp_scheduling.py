"""qmgr scheduling with real peers: a blackholed site (connections hang
until smtp_connect_timeout) and a refusing site queued first do not hold
up mail to a live site, even with only 4 smtp processes; both sites are
declared dead after one failed cohort, their other mail is deferred
without connecting ("delivery temporarily suspended"), postern-queue
hoststat shows them and purgestat forgets them.
"""
import re
import socket
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "alice@localhost"
CONNECT_TIMEOUT = 6


def message(to):
    return f"From: {SENDER}\nTo: {to}\nSubject: s\n\nbody\n".encode()


class Blackhole:
    """A listener that never accepts, its one-slot accept queue already
    full: the kernel drops further SYNs, so connecting hangs until the
    client's timeout (what a firewalled or dead host looks like)."""

    def __init__(self, host, port):
        self.listener = socket.socket()
        self.listener.bind((host, port))
        self.listener.listen(0)
        self.filler = socket.create_connection((host, port), timeout=2)

    def close(self):
        self.filler.close()
        self.listener.close()


class DeadSiteTest(unittest.TestCase):
    DEAD, REFUSED, LIVE = 20, 6, 10

    def setUp(self):
        self.port = free_port("127.0.0.15")
        self.sink = SmtpSink("127.0.0.15", self.port)
        self.addCleanup(self.sink.close)
        self.hole = Blackhole("127.0.0.14", self.port)
        self.addCleanup(self.hole.close)
        self.dns = DnsServer(mx=[("dead.test", "mx.dead.test", 10), ("refused.test", "mx.refused.test", 10),
                                 ("live.test", "mx.live.test", 10)],
                             hosts={"mx.dead.test": "127.0.0.14", "mx.refused.test": "127.0.0.16",
                                    "mx.live.test": "127.0.0.15"})
        self.addCleanup(self.dns.stop)
        self.inst = Instance(settings=dict(
            self.dns.settings(), smtp_tcp_port=str(self.port), smtp_connect_timeout=f"{CONNECT_TIMEOUT}s",
            default_process_limit="4", initial_destination_concurrency="2",
            minimal_backoff_time="3600s", maximal_backoff_time="3600s", queue_run_delay="3600s"))
        self.addCleanup(self.inst.close)

    def send(self, rcpt):
        r = self.inst.sendmail("-f", SENDER, rcpt, message=message(rcpt))
        self.assertEqual(r.returncode, 0, r.stderr)

    def queue(self, *args):
        r = self.inst.run("postern-queue", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.decode()

    def test_dead_sites_do_not_starve_a_live_one_and_are_not_hammered(self):
        for i in range(self.DEAD):
            self.send(f"d{i}@dead.test")
        for i in range(self.REFUSED):
            self.send(f"r{i}@refused.test")
        live = [f"l{i}@live.test" for i in range(self.LIVE)]
        for rcpt in live:
            self.send(rcpt)
        self.inst.wait_for(lambda: sorted(self.sink.recipients()) == sorted(live), 60, "the live site's mail")
        log = self.inst.log()
        # Every live delivery came before the first blackholed connection gave up.
        last_sent = max(m.start() for m in re.finditer(r"to=<l\d+@live\.test>.*status=sent", log))
        first_hang = re.search(r"to=<d\d+@dead\.test>.*status=deferred", log)
        self.assertTrue(first_hang is None or last_sent < first_hang.start(),
                        "live mail waited for the dead site's connection timeouts")

        total = self.DEAD + self.REFUSED
        self.inst.wait_for(lambda: len(self.inst.queue_files("deferred")) == total, 60, "all dead mail deferred")
        log = self.inst.log()
        suspended = len(re.findall(r"status=deferred \(delivery temporarily suspended: ", log))
        # Window 2: two attempts in flight, and the slot the first failure
        # frees may start a third before the second failure kills the site.
        for site in ("dead", "refused"):
            tried = len(re.findall(rf"to=<\w+@{site}\.test>, relay=smtp,.*status=deferred", log))
            self.assertLessEqual(tried, 3, f"{site}.test hammered:\n" + log[-3000:])
        self.assertEqual(suspended + len(re.findall(r"relay=smtp,.*status=deferred", log)), total)
        self.assertIn("destination dead", log)

        stat = self.queue("hoststat")
        print("\n--- postern-queue hoststat ---\n" + stat, flush=True)
        self.assertIn("Hostname", stat)
        self.assertRegex(stat, r"(?m)^ dead\.test\s+\d\d:\d\d:\d\d Deferred: 4\.4\.1 .*timeout")
        self.assertRegex(stat, r"(?m)^ refused\.test\s+\d\d:\d\d:\d\d Deferred: 4\.4\.1 .*refused")
        bh = self.inst.sendmail("-bh")
        self.assertEqual(bh.returncode, 0, bh.stderr)
        self.assertIn(" dead.test ", bh.stdout.decode(), "sendmail -bh shows the same file")
        self.assertEqual(self.queue("purgestat"), "")
        self.assertEqual(self.queue("hoststat"), "No host status\n")


if __name__ == "__main__":
    unittest.main()
