"""More SMTP client cases with real peers: relayhost without MX, null MX,
many recipients over many domains with one dead site (fairness smoke
test), and qmgr killed in the middle of deliveries.
"""
import email
import os
import signal
import time
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "alice@localhost"


def message(to, subject="t"):
    return f"From: {SENDER}\nTo: {to}\nSubject: {subject}\n\nbody\n".encode()


class RelayhostTest(unittest.TestCase):
    def test_bracketed_relayhost_skips_mx_and_uses_its_port(self):
        port = free_port("127.0.0.7")
        sink = SmtpSink("127.0.0.7", port)
        self.addCleanup(sink.close)
        # No DNS server at all: [address]:port must not need one.
        inst = Instance(settings={"relayhost": f"[127.0.0.7]:{port}", "smtp_dns_servers": "127.0.0.1",
                                  "smtp_dns_port": str(free_port()), "smtp_dns_timeout": "2s"})
        self.addCleanup(inst.close)
        r = inst.sendmail("-f", SENDER, "x@elsewhere.invalid", message=message("x@elsewhere.invalid"))
        self.assertEqual(r.returncode, 0)
        inst.wait_for(lambda: "x@elsewhere.invalid" in sink.recipients(), 30, "relayhost delivery")

    def test_null_mx_bounces_with_5_1_10(self):
        dns = DnsServer(mx=[("nullmx.test", ".", 0)])
        self.addCleanup(dns.stop)
        inst = Instance(settings=dns.settings())
        self.addCleanup(inst.close)
        r = inst.sendmail("-f", SENDER, "y@nullmx.test", message=message("y@nullmx.test"))
        self.assertEqual(r.returncode, 0)
        inst.wait_for(lambda: inst.messages("alice"), 30, "the bounce")
        b = email.message_from_bytes(inst.messages("alice")[0])
        status = b.get_payload()[1].get_payload()[1]
        self.assertEqual(status["Status"], "5.1.10")


class ManyDomainsTest(unittest.TestCase):
    DOMAINS = 20
    PER_DOMAIN = 10

    def setUp(self):
        self.port = free_port("127.0.0.8")
        mx = [(f"d{i}.test", "mx.many.test", 10) for i in range(self.DOMAINS)]
        mx.append(("dead.test", "mx.dead.test", 10))
        self.dns = DnsServer(mx=mx, hosts={"mx.many.test": "127.0.0.8", "mx.dead.test": "127.0.0.10"})
        self.addCleanup(self.dns.stop)

    def start_sink(self, *options):
        self.sink = SmtpSink("127.0.0.8", self.port, options=options)
        self.addCleanup(self.sink.close)

    def instance(self, **extra):
        inst = Instance(settings=dict(self.dns.settings(), smtp_tcp_port=str(self.port),
                                      smtp_connect_timeout="2s", **extra))
        self.addCleanup(inst.close)
        return inst

    def all_recipients(self):
        return [f"u{k}@d{i}.test" for i in range(self.DOMAINS) for k in range(self.PER_DOMAIN)]

    def test_all_domains_delivered_despite_a_dead_site(self):
        self.start_sink()
        inst = self.instance()
        # One message to the dead site first, with many recipients: it must
        # not hold up the others.
        dead = [f"v{k}@dead.test" for k in range(50)]
        r = inst.sendmail("-f", SENDER, *dead, message=message("dead"))
        self.assertEqual(r.returncode, 0)
        want = self.all_recipients()
        for i in range(0, len(want), 20):
            r = inst.sendmail("-f", SENDER, *want[i:i + 20], message=message("many"))
            self.assertEqual(r.returncode, 0)
        inst.wait_for(lambda: len(self.sink.recipients()) >= len(want), 90, "every recipient at the sink")
        got = self.sink.recipients()
        self.assertEqual(sorted(got), sorted(want), "each recipient exactly once")

    def test_qmgr_killed_mid_delivery_loses_nothing(self):
        self.start_sink("-w", "1")  # each DATA takes a second: deliveries are in flight
        inst = self.instance()
        want = self.all_recipients()
        for i in range(0, len(want), 10):
            r = inst.sendmail("-f", SENDER, *want[i:i + 10], message=message("kill"))
            self.assertEqual(r.returncode, 0)
        inst.wait_for(lambda: len(self.sink.recipients()) > 0, 30, "the first deliveries")
        qmgr = [pid for pid, name in inst.service_pids().items() if name == "qmgr"]
        self.assertTrue(qmgr)
        os.kill(qmgr[0], signal.SIGKILL)
        inst.wait_for(lambda: set(self.sink.recipients()) >= set(want), 90, "every recipient after the restart")
        inst.wait_queue_empty(30)
        got = self.sink.recipients()
        dupes = len(got) - len(set(got))
        # At most the requests in flight when qmgr died are repeated: smtp
        # checks that qmgr still listens before it sends the final ".", so
        # only those already past that point can be (10 processes x 10).
        self.assertLessEqual(dupes, 100, f"{dupes} duplicates")
        print(f"qmgr kill: {len(want)} recipients, {dupes} delivered twice", flush=True)


if __name__ == "__main__":
    unittest.main()
