"""smtpd end to end with real clients nobody here wrote: swaks, Python's
smtplib and Postfix's smtp-source deliver into Maildirs; replies, logs and
the acceptance policy (local recipients, relay) are checked."""
import re
import smtplib
import subprocess
import unittest

from postern_instance import Instance, require_tool
from smtp_raw import Raw


class SmtpdDeliveryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance({"message_size_limit": "200000"})
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def find(self, user, token):
        return [m for m in self.inst.messages(user) if token.encode() in m]

    def wait_delivered(self, user, token, count=1):
        self.inst.wait_for(lambda: len(self.find(user, token)) >= count, 60, f"{token} for {user}")
        return self.find(user, token)

    def swaks(self, *args):
        r = subprocess.run([require_tool("swaks"), "--server", f"127.0.0.1:{self.port}", *args],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())
        return r.stdout.decode()

    def test_swaks_delivers_to_alice_maildir(self):
        out = self.swaks("--to", "alice@localhost", "--from", "carol@example.org",
                         "--header", "Subject: swaks-plain")
        self.assertRegex(out, r"250 2\.0\.0 Ok: queued as \w+")
        raw = self.wait_delivered("alice", "Subject: swaks-plain")[0]
        self.assertIn(b"Return-Path: <carol@example.org>", raw)
        self.assertIn(b"Received: ", raw)
        qid = re.search(r"queued as (\w+)", out).group(1)
        self.inst.wait_for(lambda: f"{qid}: to=<alice@localhost>" in self.inst.log(), 30, "to= log line")
        log = self.inst.log()
        for key in ("client=unknown[127.0.0.1]", "from=<carol@example.org>", "message-id=<"):
            self.assertRegex(log, re.escape(qid) + r": .*" + re.escape(key))

    def test_swaks_pipelining(self):
        out = self.swaks("--pipeline", "--to", "bob@localhost,alice@localhost", "--header", "Subject: swaks-pipe")
        self.assertIn("250 2.0.0 Ok: queued as", out)
        self.wait_delivered("bob", "Subject: swaks-pipe")
        self.wait_delivered("alice", "Subject: swaks-pipe")

    def test_smtplib_body_byte_exact_with_dots_and_8bit(self):
        body = b"line one\r\n.starts with a dot\r\n..two dots\r\n\xe9t\xe9\r\n" + b"x" * 5000 + b"\r\n"
        msg = b"Subject: smtplib-exact\r\nFrom: a@example.org\r\n\r\n" + body
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as s:
            s.ehlo("client.example")
            self.assertTrue(s.has_extn("pipelining") and s.has_extn("chunking") and s.has_extn("8bitmime"))
            self.assertTrue(s.has_extn("enhancedstatuscodes") and s.has_extn("dsn") and s.has_extn("size"))
            s.sendmail("a@example.org", ["alice@localhost"], msg, mail_options=["BODY=8BITMIME"],
                       rcpt_options=["NOTIFY=SUCCESS,FAILURE"])
        raw = self.wait_delivered("alice", "Subject: smtplib-exact")[0]
        self.assertTrue(raw.endswith(body.replace(b"\r\n", b"\n")), raw[-200:])

    def test_bdat_chunks_deliver(self):
        r = Raw(self.port)
        r.envelope(rcpts=("bob@localhost",))
        part1 = b"Subject: bdat-test\r\n\r\nfirst\r"
        part2 = b"\n.second\r\n"
        self.assertTrue(r.cmd(b"BDAT %d\r\n" % len(part1) + part1).startswith("250 2.0.0"))
        rep = r.cmd(b"BDAT %d LAST\r\n" % len(part2) + part2)
        self.assertRegex(rep, r"^250 2\.0\.0 Ok: queued as")
        r.cmd("QUIT")
        raw = self.wait_delivered("bob", "Subject: bdat-test")[0]
        self.assertTrue(raw.endswith(b"\n\nfirst\n.second\n"), raw)

    def test_smtp_source_fifty_messages(self):
        tool = require_tool("smtp-source")
        r = subprocess.run([tool, "-s", "5", "-m", "50", "-l", "2048", "-f", "src@example.org",
                            "-t", "postmaster@localhost", f"127.0.0.1:{self.port}"],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.inst.wait_for(lambda: len(self.find("postmaster", "Return-Path: <src@example.org>")) >= 50, 90,
                           "50 smtp-source messages")

    def test_unknown_local_user_refused_at_rcpt(self):
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as s:
            s.ehlo()
            s.mail("a@example.org")
            code, text = s.rcpt("nosuchuser@localhost")
            self.assertEqual(code, 550)
            self.assertTrue(text.startswith(b"5.1.1"), text)
            self.assertEqual(s.rcpt("alice+ext@localhost")[0], 250)  # extension of a user
            self.assertEqual(s.rcpt("MAILER-DAEMON@localhost")[0], 250)  # an alias
            self.assertEqual(s.rcpt("<postmaster>")[0], 250)

    def test_vrfy_and_expn_are_off_by_default(self):
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as s:
            self.assertEqual(s.verify("alice@localhost")[0], 502)
            self.assertEqual(s.expn("alice")[0], 502)
            self.assertIn(b"Commands", s.help())
            self.assertEqual(s.noop()[0], 250)

    def test_oversized_message_refused_and_session_usable(self):
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as s:
            s.ehlo()
            code, _ = s.docmd("MAIL FROM:<a@example.org> SIZE=300000")
            self.assertEqual(code, 552)
            s.mail("a@example.org")
            s.rcpt("alice@localhost")
            code, text = s.data(b"Subject: too-big\r\n\r\n" + (b"y" * 998 + b"\r\n") * 250)
            self.assertEqual(code, 552)
            self.assertTrue(text.startswith(b"5.3.4"), text)
            self.assertEqual(s.noop()[0], 250)
        self.assertFalse(self.find("alice", "Subject: too-big"))


class SmtpdRelayTest(unittest.TestCase):
    """A client outside $mynetworks: loopback is not trusted here."""

    @classmethod
    def setUpClass(cls):
        cls.inst = Instance({"mynetworks": "10.0.0.0/8", "relay_domains": "partner.example",
                             "disable_vrfy_command": "no"})
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def rcpt(self, address):
        r = Raw(self.port)
        try:
            r.envelope(rcpts=())
            return r.cmd(f"RCPT TO:<{address}>")
        finally:
            r.close()

    def test_relay_refused_for_foreign_domains_and_routing_forms(self):
        for address in ("someone@example.com", "user%example.com@localhost", "example.com!user@localhost",
                        "\"user@example.com\"@localhost", "@localhost:user@example.com",
                        "user@[192.0.2.1]", "user@localhost.example.com"):
            rep = self.rcpt(address)
            self.assertTrue(rep.startswith("554 5.7.1") and "Relay access denied" in rep, f"{address}: {rep}")

    def test_bang_path_without_domain_is_a_syntax_error(self):
        self.assertTrue(self.rcpt("example.com!user").startswith("501 5.1.3"))

    def test_local_and_relay_domains_accepted(self):
        self.assertTrue(self.rcpt("alice@localhost").startswith("250"))
        self.assertTrue(self.rcpt("alice@LOCALHOST").startswith("250"))
        self.assertTrue(self.rcpt("anyone@partner.example").startswith("250"))
        self.assertTrue(self.rcpt("@elsewhere.example:alice@localhost").startswith("250"))  # route ignored
        self.assertTrue(self.rcpt("nobody-here@localhost").startswith("550 5.1.1"))

    def test_vrfy_when_enabled(self):
        r = Raw(self.port)
        self.assertTrue(r.cmd("VRFY <alice@localhost>").startswith("252"))
        self.assertTrue(r.cmd("VRFY nobody-here@localhost").startswith("550 5.1.1"))
        r.close()


if __name__ == "__main__":
    unittest.main()
