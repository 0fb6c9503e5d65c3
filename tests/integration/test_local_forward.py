"""local forwarding to other domains in a user instance: an alias whose
target is a remote address is resubmitted through cleanup as a new message
and relayed by smtp to smtp-sink (on 127.0.0.x, found through dnsmasq MX
records). Checked where a user would look: what the remote server received
(envelope sender, recipients, the Delivered-To header), local Maildirs, and
bounces that came back to the sender.
"""
import email
import email.utils
import os
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "sender@localhost"


class LocalForward(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.port = free_port("127.0.0.2")
        cls.dns = DnsServer(mx=[("fwd.test", "mx.fwd.test", 10)], hosts={"mx.fwd.test": "127.0.0.2"})
        cls.sink = SmtpSink("127.0.0.2", cls.port)
        settings = dict(cls.dns.settings(), smtp_tcp_port=str(cls.port), smtp_connect_timeout="2s",
                        smtp_reply_timeout="10s")
        cls.inst = Instance(settings=settings, start=False)
        root = cls.inst.root
        for user in ("alice", "sender"):
            for sub in ("", "/tmp", "/new", "/cur"):
                os.makedirs(str(root / "mail" / user) + sub, mode=0o700, exist_ok=True)
        (root / "aliases").write_text("""\
postmaster: alice
MAILER-DAEMON: postmaster
away: admin@fwd.test
both: alice, both-remote@fwd.test
olist: member1@fwd.test, member2@fwd.test
owner-olist: alice
llist: alice, nosuchmember
owner-llist: alice
loop: loop-remote@fwd.test
""")
        cls.inst.ctl("config", "-e", f"alias_maps=texthash:{root}/aliases")
        cls.inst.start()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()
        cls.sink.close()
        cls.dns.stop()

    def send(self, rcpt, subject, extra_headers=""):
        msg = f"{extra_headers}From: {SENDER}\nSubject: {subject}\n\nbody of {subject}\n".encode()
        r = self.inst.sendmail("-i", "-f", SENDER, rcpt, message=msg)
        self.assertEqual(r.returncode, 0, r.stderr)

    def at_sink(self, subject):
        return [m for m in self.sink.transactions() if m["Subject"] == subject]

    def wait_sink(self, subject):
        self.inst.wait_for(lambda: self.at_sink(subject), 30, f"{subject} at smtp-sink")
        return self.at_sink(subject)

    def in_maildir(self, user, subject):
        return [m for m in self.inst.messages(user) if f"Subject: {subject}".encode() in m]

    def rcpts(self, msg):
        return sorted(v.split()[0].strip("<>") for v in msg.get_all("X-Rcpt-Args", []))

    def test_alias_to_remote_address_keeps_sender_and_adds_delivered_to(self):
        self.send("away@localhost", "t-away")
        (msg,) = self.wait_sink("t-away")
        self.assertEqual(self.rcpts(msg), ["admin@fwd.test"])
        self.assertIn(f"<{SENDER}>", msg["X-Mail-Args"])
        self.assertEqual(msg.get_all("Delivered-To"), ["away@localhost"])
        self.assertIn("body of t-away", msg.get_payload())
        self.inst.wait_queue_empty(20)
        self.assertRegex(self.inst.log(), r"to=<away@localhost>.*status=sent \(forwarded as \w+\)")

    def test_alias_to_local_user_and_remote_address_delivers_to_both(self):
        self.send("both@localhost", "t-both")
        (msg,) = self.wait_sink("t-both")
        self.assertEqual(self.rcpts(msg), ["both-remote@fwd.test"])
        self.inst.wait_for(lambda: self.in_maildir("alice", "t-both"), 30, "t-both in alice's Maildir")
        self.inst.wait_queue_empty(20)
        self.assertEqual(len(self.in_maildir("alice", "t-both")), 1)

    def test_list_with_owner_forwards_once_with_owner_as_sender(self):
        self.send("olist@localhost", "t-olist")
        (msg,) = self.wait_sink("t-olist")  # one new message for both members
        self.assertEqual(self.rcpts(msg), ["member1@fwd.test", "member2@fwd.test"])
        self.assertIn("<owner-olist@localhost>", msg["X-Mail-Args"])

    def test_failed_member_of_a_list_with_owner_is_reported_to_the_owner_not_the_sender(self):
        self.send("llist@localhost", "t-llist")
        self.inst.wait_for(lambda: len(self.in_maildir("alice", "t-llist")) >= 2, 30,
                           "t-llist and the owner's notice in alice's Maildir")
        self.inst.wait_queue_empty(20)
        reports = [email.message_from_bytes(m) for m in self.in_maildir("alice", "t-llist")
                   if b"multipart/report" in m]
        self.assertEqual(len(reports), 1, "one notice to owner-llist")
        report = reports[0]
        self.assertEqual(report.get_content_type(), "multipart/report")
        self.assertEqual(report.get_param("report-type"), "delivery-status")
        self.assertEqual(email.utils.parseaddr(report["To"])[1], "owner-llist@localhost")
        status = next(p for p in report.walk() if p.get_content_type() == "message/delivery-status")
        text = "".join(str(block) for block in status.get_payload())
        self.assertIn("Action: failed", text)
        self.assertIn("nosuchmember", text)
        self.assertEqual(self.in_maildir("sender", "t-llist"), [], "the sender gets no bounce")
        self.assertRegex(self.inst.log(), r"to=<llist@localhost>.*status=sent")

    def test_forwarding_loop_is_stopped_by_delivered_to(self):
        # As if the message had already passed through here once and come back.
        self.send("loop@localhost", "t-loop", extra_headers="Delivered-To: loop@localhost\n")
        self.inst.wait_for(lambda: self.in_maildir("sender", "t-loop"), 30, "bounce for t-loop")
        bounce = self.in_maildir("sender", "t-loop")[0]
        self.assertIn(b"5.4.6", bounce)
        self.inst.wait_queue_empty(20)
        self.assertEqual(self.at_sink("t-loop"), [])


if __name__ == "__main__":
    unittest.main()
