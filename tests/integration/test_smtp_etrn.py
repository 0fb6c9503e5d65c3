"""ETRN (RFC 1985) with a real client (smtplib) and real peers: a relay
domain whose server was down gets its deferred mail as soon as it says
ETRN, even though qmgr had declared it dead and the back-off is an hour;
domains that are not relay domains, named queues and bad syntax are
refused with the RFC's codes; EHLO advertises ETRN.
"""
import smtplib
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "alice@localhost"
SLOW = {"minimal_backoff_time": "3600s", "maximal_backoff_time": "3600s", "queue_run_delay": "3600s"}


class EtrnTest(unittest.TestCase):
    def setUp(self):
        self.port = free_port("127.0.0.17")
        self.dns = DnsServer(mx=[("backup.test", "mx.backup.test", 10), ("idle.test", "mx.backup.test", 10)],
                             hosts={"mx.backup.test": "127.0.0.17"})
        self.addCleanup(self.dns.stop)
        self.inst = Instance(settings=dict(self.dns.settings(), smtp_tcp_port=str(self.port),
                                           relay_domains="backup.test, idle.test",
                                           initial_destination_concurrency="1", **SLOW))
        self.addCleanup(self.inst.close)
        if not self.inst.has_smtpd():
            self.skipTest("no smtpd in this build")

    def etrn(self, arg):
        with smtplib.SMTP("127.0.0.1", self.inst.smtp_port(), timeout=30) as s:
            code, text = s.ehlo("client.test")
            self.assertEqual(code, 250)
            self.assertIn(b"\nETRN", text)
            return s.docmd("ETRN", arg) if arg is not None else s.docmd("ETRN")

    def test_etrn_flushes_a_dead_relay_domain_at_once(self):
        # The site is down: refused, deferred for an hour, destination dead.
        r = self.inst.sendmail("-f", SENDER, "bob@backup.test",
                               message=b"From: alice@localhost\nSubject: e\n\nheld for the site\n")
        self.assertEqual(r.returncode, 0)
        self.inst.wait_for(lambda: len(self.inst.queue_files("deferred")) == 1, 30, "deferred mail")
        self.inst.wait_for(lambda: "backup.test" in (self.inst.queue / "hoststat").read_text()
                           if (self.inst.queue / "hoststat").exists() else False, 30, "the dead-destination entry")
        sink = SmtpSink("127.0.0.17", self.port)
        self.addCleanup(sink.close)

        code, text = self.etrn("backup.test")
        self.assertEqual(code, 250, text)
        self.inst.wait_for(lambda: "bob@backup.test" in sink.recipients(), 30, "delivery after ETRN")
        self.inst.wait_queue_empty(20)
        self.assertFalse((self.inst.queue / "hoststat").exists(), "ETRN revived the destination")

    def test_etrn_replies(self):
        self.assertEqual(self.etrn("idle.test")[0], 251, "relay domain, nothing waiting")
        code, text = self.etrn("elsewhere.test")
        self.assertEqual(code, 459, text)
        self.assertEqual(self.etrn("#queue1")[0], 459)
        self.assertEqual(self.etrn(None)[0], 501)
        self.assertEqual(self.etrn("bad domain!")[0], 501)
        self.assertEqual(self.etrn("@backup.test")[0], 251, "with subdomains")
        with smtplib.SMTP("127.0.0.1", self.inst.smtp_port(), timeout=30) as s:
            s.ehlo("client.test")
            s.mail(SENDER)
            self.assertEqual(s.docmd("ETRN", "backup.test")[0], 503, "not inside a transaction")


if __name__ == "__main__":
    unittest.main()
