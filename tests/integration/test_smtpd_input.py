"""smtpd against bad input, byte for byte over raw sockets: overlong lines,
NUL, bare CR/LF, the SMTP-smuggling end-of-data variants, oversized
messages, too many recipients, never-ending header lines, protocol
violations, clients that vanish mid-DATA and clients that are too slow."""
import time
import unittest

from postern_instance import Instance
from smtp_raw import Raw, wait_until

LIMIT = 512          # line_length_limit (its minimum)
SIZE = 20000         # message_size_limit... at least 1024
RCPTS = 3            # smtpd_recipient_limit


class SmtpdBadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance({"line_length_limit": str(LIMIT), "message_size_limit": str(SIZE),
                             "smtpd_recipient_limit": str(RCPTS), "smtpd_timeout": "2s",
                             "smtpd_hard_error_limit": "8"})
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def setUp(self):
        self.raw = Raw(self.port)

    def tearDown(self):
        self.raw.close()

    def delivered(self, token, user="alice"):
        return [m for m in self.inst.messages(user) if token.encode() in m]

    def send_data(self, content):
        self.raw.envelope()
        self.assertTrue(self.raw.cmd("DATA").startswith("354"))
        self.raw.send(content)
        return self.raw.reply()

    # --- command lines ------------------------------------------------------------
    def test_line_at_limit_ok_and_one_more_gets_500_and_session_survives(self):
        ok = "NOOP " + "x" * (LIMIT - 5)
        self.assertTrue(self.raw.cmd(ok).startswith("250"))
        self.assertTrue(self.raw.cmd(ok + "x").startswith("500 5.5.2"))
        self.assertTrue(self.raw.cmd(b"NOOP " + b"y" * 100000 + b"\r\n").startswith("500 5.5.2"))
        self.assertTrue(self.raw.cmd("NOOP").startswith("250"))

    def test_nul_and_bare_cr_in_commands_rejected(self):
        self.assertTrue(self.raw.cmd(b"NO\x00OP\r\n").startswith("500 5.5.2"))
        self.assertTrue(self.raw.cmd(b"NOOP\rNOOP\r\n").startswith("500 5.5.2"))
        self.assertTrue(self.raw.cmd(b"EHLO x\r\n").startswith("250"))
        self.assertTrue(self.raw.cmd(b"MAIL FROM:<a@ex\x00ample.org>\r\n").startswith("500 5.5.2"))

    def test_bare_lf_command_is_normalized_by_default(self):
        self.assertTrue(self.raw.cmd(b"NOOP\n").startswith("250"))

    def test_unknown_command_and_empty_line(self):
        self.assertTrue(self.raw.cmd("FOO bar").startswith("502 5.5.2"))
        self.assertTrue(self.raw.cmd("").startswith("500 5.5.2"))

    def test_hard_error_limit_ends_session(self):
        for _ in range(7):
            self.assertTrue(self.raw.cmd("FOO").startswith("502"))
        self.assertIn("421 4.7.0", self.raw.cmd("FOO").splitlines()[-1] + self.raw.reply())
        self.assertTrue(self.raw.closed())

    # --- transaction order ----------------------------------------------------------
    def test_data_without_rcpt_and_rcpt_without_mail(self):
        self.raw.cmd("EHLO x")
        self.assertTrue(self.raw.cmd("DATA").startswith("503 5.5.1"))
        self.assertTrue(self.raw.cmd("RCPT TO:<alice@localhost>").startswith("503 5.5.1"))
        self.raw.cmd("MAIL FROM:<a@example.org>")
        self.assertTrue(self.raw.cmd("MAIL FROM:<a@example.org>").startswith("503 5.5.1"))
        self.assertTrue(self.raw.cmd("DATA").startswith("554 5.5.1"))
        self.assertTrue(self.raw.cmd("RSET").startswith("250"))

    def test_too_many_recipients(self):
        self.raw.envelope(rcpts=["alice@localhost"] * RCPTS)
        self.assertTrue(self.raw.cmd("RCPT TO:<alice@localhost>").startswith("452 4.5.3"))

    def test_pipelining_behind_data_is_a_synchronization_error(self):
        self.raw.envelope()
        self.raw.send(b"DATA\r\nSubject: early\r\n\r\nbody\r\n.\r\n")
        self.assertTrue(self.raw.reply().startswith("554 5.5.0"))
        self.assertTrue(self.raw.closed())

    def test_pipelining_before_ehlo_is_a_synchronization_error(self):
        self.raw.send(b"HELO x\r\nMAIL FROM:<a@example.org>\r\n")
        self.assertTrue(self.raw.reply().startswith("554 5.5.0"))
        self.assertTrue(self.raw.closed())

    # --- content --------------------------------------------------------------------
    def test_smuggling_variants_neither_end_nor_start_a_message(self):
        for i, mark in enumerate((b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r", b"\r.\r\n")):
            token = f"smuggle-{i}"
            inner = f"MAIL FROM:<evil@example.org>\r\nRCPT TO:<bob@localhost>\r\nDATA\r\nSubject: inner-{token}\r\n\r\nx\r\n"
            rep = self.send_data(f"Subject: {token}\r\n\r\nbefore".encode() + mark + inner.encode() + b".\r\n")
            self.assertTrue(rep.startswith("250 2.0.0"), f"{mark!r}: {rep}")
            self.raw.close()
            self.raw = Raw(self.port)
        self.inst.wait_for(lambda: all(self.delivered(f"Subject: smuggle-{i}") for i in range(5)), 60, "smuggle tests")
        for i in range(5):
            raw = self.delivered(f"Subject: smuggle-{i}")[0]
            self.assertIn(b"MAIL FROM:<evil@example.org>", raw, "the smuggled part stays inside the message")
        time.sleep(1)
        self.assertFalse([m for m in self.inst.messages("bob") if b"inner-smuggle" in m], "no second message")

    def test_nul_in_data_refuses_the_message(self):
        rep = self.send_data(b"Subject: nul-data\r\n\r\na\x00b\r\n.\r\n")
        self.assertTrue(rep.startswith("550 5.6.0"), rep)
        self.assertTrue(self.raw.cmd("NOOP").startswith("250"))

    def test_oversized_message_552_and_nothing_queued(self):
        rep = self.send_data(b"Subject: too-big\r\n\r\n" + (b"z" * 100 + b"\r\n") * (SIZE // 100 + 10) + b".\r\n")
        self.assertTrue(rep.startswith("552 5.3.4"), rep)
        self.assertTrue(self.raw.cmd("NOOP").startswith("250"))

    def test_never_ending_header_line_is_bounded(self):
        self.raw.envelope()
        self.assertTrue(self.raw.cmd("DATA").startswith("354"))
        self.raw.send(b"Subject: endless " + b"h" * (SIZE * 3) + b"\r\n.\r\n")
        self.assertTrue(self.raw.reply().startswith("552 5.3.4"))

    def test_long_content_lines_are_kept(self):
        line = b"w" * (LIMIT * 4)
        rep = self.send_data(b"Subject: long-lines\r\n\r\n" + line + b"\r\n.\r\n")
        self.assertTrue(rep.startswith("250"), rep)
        self.inst.wait_for(lambda: self.delivered("Subject: long-lines"), 60, "long-lines")
        self.assertIn(line, b"".join(self.delivered("Subject: long-lines")[0].split(b"\n")))

    def test_disconnect_mid_data_queues_nothing(self):
        before = len(self.inst.log().splitlines())
        self.raw.envelope()
        self.assertTrue(self.raw.cmd("DATA").startswith("354"))
        self.raw.send(b"Subject: vanished\r\n\r\nhalf a message\r\n")
        self.raw.close()
        self.assertTrue(wait_until(lambda: "lost connection after DATA" in "\n".join(self.inst.log().splitlines()[before:])))
        time.sleep(1)
        self.assertFalse(self.delivered("Subject: vanished"))
        self.assertFalse(self.inst.queue_files("incoming", "active", "deferred"))

    def test_slow_client_times_out_with_421(self):
        self.raw.send(b"NOO")
        start = time.time()
        self.assertTrue(self.raw.reply().startswith("421 4.4.2"))
        self.assertLess(time.time() - start, 10)
        self.assertTrue(self.raw.closed())

    def test_slow_client_in_data_times_out_and_nothing_is_queued(self):
        self.raw.envelope()
        self.assertTrue(self.raw.cmd("DATA").startswith("354"))
        self.raw.send(b"Subject: slow-data\r\n\r\nstarted\r\n")
        self.assertTrue(self.raw.reply().startswith("421 4.4.2"))
        time.sleep(1)
        self.assertFalse(self.delivered("Subject: slow-data"))

    def test_bdat_without_mail_consumes_the_chunk(self):
        self.raw.cmd("EHLO x")
        chunk = b"MAIL FROM:<x@example.org>\r\n"
        self.assertTrue(self.raw.cmd(b"BDAT %d LAST\r\n" % len(chunk) + chunk).startswith("503 5.5.1"))
        self.assertTrue(self.raw.cmd("NOOP").startswith("250"), "the chunk was not read as a command")

    def test_bad_bdat_size_ends_the_session(self):
        self.raw.cmd("EHLO x")
        self.assertTrue(self.raw.cmd("BDAT x").startswith("554 5.5.4"))
        self.assertTrue(self.raw.closed())


class SmtpdBareNewlineRejectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance({"smtpd_bare_newline": "reject"})
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def test_bare_lf_in_command_and_data_rejected(self):
        r = Raw(self.port)
        self.assertTrue(r.cmd(b"NOOP\n").startswith("500 5.5.2"))
        r.envelope()
        self.assertTrue(r.cmd("DATA").startswith("354"))
        r.send(b"Subject: bare-lf\r\n\r\nline\nline\r\n.\r\n")
        self.assertTrue(r.reply().startswith("550 5.5.2"))
        self.assertTrue(r.cmd("NOOP").startswith("250"))
        r.close()


if __name__ == "__main__":
    unittest.main()
