"""The SMTP client against real peers on loopback: dnsmasq answers MX and A
queries for the *.test zone, Postfix's smtp-sink plays the remote servers
on 127.0.0.2, 127.0.0.3, ... Mail is injected with the instance's sendmail
and routed by MX. Bounces are parsed with Python's email package.
"""
import email
import email.policy
import os
import signal
import time
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "alice@localhost"


def message(to, subject="relay test", body="line one\n.leading dot\nline three\n"):
    return f"From: {SENDER}\nTo: {to}\nSubject: {subject}\n\n{body}".encode()


def bounces(inst, user="alice"):
    return [email.message_from_bytes(raw, policy=email.policy.compat32) for raw in inst.messages(user)]


def report_fields(msg):
    """(per-message fields, [per-recipient fields]) of a multipart/report."""
    assert msg.get_content_type() == "multipart/report", msg.get_content_type()
    assert msg.get_param("report-type") == "delivery-status"
    parts = msg.get_payload()
    status = parts[1]
    assert status.get_content_type() == "message/delivery-status"
    blocks = status.get_payload()
    return blocks[0], blocks[1:]


class SmtpRelayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port("127.0.0.2")
        cls.dns = DnsServer(
            mx=[("relay.test", "mx1.relay.test", 10),
                ("backup.test", "down.backup.test", 10), ("backup.test", "up.backup.test", 20),
                ("soft.test", "mx.soft.test", 10),
                ("hard.test", "mx.hard.test", 10)],
            hosts={"mx1.relay.test": "127.0.0.2", "down.backup.test": "127.0.0.9",
                   "up.backup.test": "127.0.0.3", "mx.soft.test": "127.0.0.4",
                   "mx.hard.test": "127.0.0.5", "nomx.test": "127.0.0.2"})
        cls.sinks = {}
        for host, kw in (("127.0.0.2", {}), ("127.0.0.3", {}), ("127.0.0.5", {"hard": ["RCPT"]})):
            cls.sinks[host] = SmtpSink(host, cls.port, **kw)
        settings = dict(cls.dns.settings(), smtp_tcp_port=str(cls.port), smtp_connect_timeout="2s",
                        smtp_reply_timeout="10s")
        cls.inst = Instance(settings=settings)

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()
        for s in cls.sinks.values():
            s.close()
        cls.dns.stop()

    def send(self, to, *flags, **kw):
        r = self.inst.sendmail("-f", SENDER, *flags, to, message=message(to, **kw))
        self.assertEqual(r.returncode, 0, r.stderr.decode())

    def wait_rcpt(self, sink, rcpt, timeout=30):
        self.inst.wait_for(lambda: rcpt in sink.recipients(), timeout, f"{rcpt} at {sink.host}")

    def test_relay_to_primary_mx_with_crlf_and_dot_stuffing(self):
        self.send("bob@relay.test", subject="primary")
        sink = self.sinks["127.0.0.2"]
        self.wait_rcpt(sink, "bob@relay.test")
        msg = next(m for m in sink.transactions() if m["Subject"] == "primary")
        self.assertIn(SENDER, msg["X-Mail-Args"])
        self.assertIn(".leading dot", msg.get_payload())
        self.inst.wait_queue_empty(20)
        self.assertIn("status=sent", self.inst.log())

    def test_domain_without_mx_uses_its_address(self):
        self.send("carol@nomx.test", subject="implicit mx")
        self.wait_rcpt(self.sinks["127.0.0.2"], "carol@nomx.test")

    def test_primary_down_goes_to_secondary(self):
        self.send("dave@backup.test", subject="backup")
        self.wait_rcpt(self.sinks["127.0.0.3"], "dave@backup.test")

    def test_hard_reject_bounces_to_sender_as_multipart_report(self):
        before = len(self.inst.messages("alice"))
        self.send("erin@hard.test", subject="hard")
        self.inst.wait_for(lambda: len(self.inst.messages("alice")) > before, 30, "the bounce")
        b = [m for m in bounces(self.inst) if "erin@hard.test" in m.as_string()][-1]
        self.assertEqual(b["From"].split()[0], "MAILER-DAEMON@localhost")
        per_msg, per_rcpt = report_fields(b)
        self.assertTrue(per_msg["Reporting-MTA"].startswith("dns;"))
        self.assertEqual(per_rcpt[0]["Final-Recipient"], "rfc822; erin@hard.test")
        self.assertEqual(per_rcpt[0]["Action"], "failed")
        self.assertTrue(per_rcpt[0]["Status"].startswith("5."))
        self.assertTrue(per_rcpt[0]["Diagnostic-Code"].startswith("smtp; 5"))
        original = b.get_payload()[2]
        self.assertEqual(original.get_content_type(), "message/rfc822")
        self.assertEqual(original.get_payload()[0]["Subject"], "hard")

    def test_unknown_domain_bounces_with_5_1_2(self):
        before = len(self.inst.messages("alice"))
        self.send("frank@nxdomain.test", subject="nx")
        self.inst.wait_for(lambda: len(self.inst.messages("alice")) > before, 30, "the bounce")
        b = [m for m in bounces(self.inst) if "frank@nxdomain.test" in m.as_string()][-1]
        _, per_rcpt = report_fields(b)
        self.assertEqual(per_rcpt[0]["Status"], "5.1.2")

    def test_notify_never_sends_no_bounce(self):
        before = len(self.inst.messages("alice"))
        r = self.inst.sendmail("-f", SENDER, "-N", "never", "gina@hard.test",
                               message=message("gina@hard.test", subject="never"))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.inst.wait_for(lambda: "gina@hard.test" in self.inst.log() and "status=bounced" in self.inst.log(),
                           30, "the bounce log line")
        self.inst.wait_queue_empty(20)
        self.inst.wait_for(lambda: "no non-delivery notification: NOTIFY" in self.inst.log(), 10, "the no-notice log")
        self.assertFalse(any("gina@hard.test" in m.as_string() for m in bounces(self.inst)))

    def test_bounce_of_bounce_goes_to_postmaster_once(self):
        # The sender's domain rejects everything, so the bounce for the
        # unknown local user cannot be delivered: postmaster gets one
        # notice (headers only) and nothing loops.
        before = len(self.inst.messages("postmaster"))
        r = self.inst.sendmail("-f", "ivan@hard.test", "nosuchuser@localhost",
                               message=message("nosuchuser@localhost", subject="double"))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.inst.wait_for(lambda: len(self.inst.messages("postmaster")) > before, 30, "the postmaster notice")
        self.inst.wait_queue_empty(20)
        time.sleep(2)
        notices = [m for m in bounces(self.inst, "postmaster") if "ivan@hard.test" in m.as_string()]
        self.assertEqual(len(notices), 1)
        _, per_rcpt = report_fields(notices[0])
        self.assertEqual(per_rcpt[0]["Final-Recipient"], "rfc822; ivan@hard.test")
        self.assertEqual(notices[0].get_payload()[2].get_content_type(), "text/rfc822-headers")


class SmtpRetryTest(unittest.TestCase):
    """4xx: deferred, retried, delivered once the peer accepts."""

    def test_soft_reject_is_deferred_then_delivered(self):
        port = free_port("127.0.0.6")
        dns = DnsServer(mx=[("later.test", "mx.later.test", 10)], hosts={"mx.later.test": "127.0.0.6"})
        self.addCleanup(dns.stop)
        sink = SmtpSink("127.0.0.6", port, soft=["RCPT"])
        self.addCleanup(sink.close)
        inst = Instance(settings=dict(dns.settings(), smtp_tcp_port=str(port), smtp_connect_timeout="2s"))
        self.addCleanup(inst.close)
        r = inst.sendmail("-f", SENDER, "hank@later.test", message=message("hank@later.test"))
        self.assertEqual(r.returncode, 0)
        inst.wait_for(lambda: "status=deferred" in inst.log(), 30, "a deferral")
        self.assertTrue(inst.queue_files("deferred", "active"))
        sink.close()
        good = SmtpSink("127.0.0.6", port)
        self.addCleanup(good.close)
        inst.wait_for(lambda: "hank@later.test" in good.recipients(), 60, "delivery after recovery")
        inst.wait_queue_empty(20)
        self.assertEqual(good.recipients().count("hank@later.test"), 1)

    def test_delay_warning_is_sent_once(self):
        port = free_port("127.0.0.13")
        dns = DnsServer(mx=[("slow.test", "mx.slow.test", 10)], hosts={"mx.slow.test": "127.0.0.13"})
        self.addCleanup(dns.stop)
        sink = SmtpSink("127.0.0.13", port, soft=["RCPT"])
        self.addCleanup(sink.close)
        inst = Instance(settings=dict(dns.settings(), smtp_tcp_port=str(port), delay_warning_time="1s"))
        self.addCleanup(inst.close)
        r = inst.sendmail("-f", SENDER, "ken@slow.test", message=message("ken@slow.test", subject="slow"))
        self.assertEqual(r.returncode, 0)
        inst.wait_for(lambda: inst.messages("alice"), 30, "the delay notice")
        inst.wait_for(lambda: inst.log().count("to=<ken@slow.test>") >= 4, 30, "more attempts")
        notices = bounces(inst)
        self.assertEqual(len(notices), 1, "one delay notice, however many attempts")
        self.assertTrue(notices[0]["Subject"].startswith("Delayed Mail"))
        _, per_rcpt = report_fields(notices[0])
        self.assertEqual(per_rcpt[0]["Action"], "delayed")
        self.assertTrue(per_rcpt[0]["Status"].startswith("4."))
        self.assertTrue(inst.queue_files("deferred", "active"), "the message itself stays queued")


if __name__ == "__main__":
    unittest.main()
