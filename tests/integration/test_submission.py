"""Local submission end to end: sendmail -> postdrop -> pickup -> cleanup ->
qmgr -> local -> Maildir, checked with Python's mailbox and email modules."""
import email
import email.policy
import os
import pwd
import unittest

from postern_instance import Instance, split_message


class SubmissionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def parse(self, raw):
        return email.message_from_bytes(raw, policy=email.policy.compat32)

    def find(self, user, token):
        return [m for m in self.inst.messages(user) if token.encode() in m]

    def test_hundred_messages_delivered_byte_exact(self):
        bodies = {}
        for i in range(100):
            user = ("alice", "bob")[i % 2]
            token = f"hundred-{i}"
            # 8-bit bytes, a line that starts with "From ", trailing spaces, a long line.
            body = (f"line one of {token}\nFrom the start of a line\ntrailing   \n"
                    + "x" * (3000 + i) + "\n\xe9t\xe9 8bit\n").encode("latin-1")
            msg = f"Subject: {token}\nTo: {user}@localhost\n\n".encode() + body
            r = self.inst.sendmail(user, message=msg)
            self.assertEqual(r.returncode, 0, r.stderr)
            bodies[token] = (user, body)
        self.inst.wait_for(lambda: sum(len(self.inst.messages(u)) for u in ("alice", "bob")) >= 100,
                           timeout=120, what="100 deliveries")
        me = pwd.getpwuid(os.getuid()).pw_name
        for token, (user, body) in bodies.items():
            found = self.find(user, f"Subject: {token}\n")
            self.assertEqual(len(found), 1, token)
            head, got_body = split_message(found[0])
            self.assertEqual(got_body, body, f"{token}: body changed in transit")
            msg = self.parse(found[0])
            self.assertEqual(msg["Return-Path"], f"<{me}@localhost>")
            self.assertEqual(msg["Delivered-To"], f"{user}@localhost")
            self.assertIsNotNone(msg["Received"])
            self.assertIsNotNone(msg["Date"], "Date: added for a local submission")
            self.assertIsNotNone(msg["Message-ID"], "Message-ID: added")
            self.assertIn(f"{me}@localhost", msg["From"])
            self.assertTrue(head.startswith(b"Return-Path: "), "Return-Path first")

    def test_extract_recipients_adds_command_line_and_hides_bcc(self):
        me = pwd.getpwuid(os.getuid()).pw_name
        msg = (b"From: Carol <carol@example.org>\nTo: alice@localhost\n"
               b"Cc: \"P. Master (the boss)\" <postmaster@localhost>, team: ;\n"
               b"Bcc: " + me.encode() + b"\nSubject: t-flag\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
               b"Message-ID: <t-flag@example.org>\n\nhello\n")
        r = self.inst.sendmail("-t", "-i", "bob", message=msg)   # command-line address is added
        self.assertEqual(r.returncode, 0, r.stderr)
        # root is aliased to postmaster in the demo aliases; the Bcc reaches either.
        users = ("alice", "bob", "postmaster") + (() if me == "root" else (me,))
        for user in users:
            self.inst.wait_for(lambda u=user: self.find(u, "Subject: t-flag"), what=f"-t delivery to {user}")
            raw = self.find(user, "Subject: t-flag")[0]
            parsed = self.parse(raw)
            self.assertIsNone(parsed["Bcc"], "Bcc: must be removed")
            self.assertEqual(parsed["Message-ID"], "<t-flag@example.org>", "existing Message-ID kept")
            self.assertEqual(parsed["Date"], "Mon, 1 Jan 2024 00:00:00 +0000", "existing Date kept")
            self.assertEqual(parsed["From"], "Carol <carol@example.org>", "existing From kept")

    def test_dot_ends_message_without_i(self):
        r = self.inst.sendmail("bob", message=b"Subject: dot-test\n\nbefore\n.\nafter\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: self.find("bob", "Subject: dot-test"), what="dot-test")
        self.assertEqual(split_message(self.find("bob", "Subject: dot-test")[0])[1], b"before\n")

    def test_dot_kept_with_i_and_crlf_converted(self):
        r = self.inst.sendmail("-i", "bob", message=b"Subject: dot-i\r\n\r\nbefore\r\n.\r\nafter\r\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: self.find("bob", "Subject: dot-i"), what="dot-i")
        self.assertEqual(split_message(self.find("bob", "Subject: dot-i")[0])[1], b"before\n.\nafter\n")

    def test_sender_and_full_name(self):
        r = self.inst.sendmail("-f", "list-owner@example.org", "-F", "Mailing List", "alice",
                               message=b"Subject: sender-test\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: self.find("alice", "Subject: sender-test"), what="sender-test")
        parsed = self.parse(self.find("alice", "Subject: sender-test")[0])
        self.assertEqual(parsed["Return-Path"], "<list-owner@example.org>")
        self.assertIn("Mailing List", parsed["From"])

    def test_alias_delivers_to_target(self):
        r = self.inst.sendmail("MAILER-DAEMON", message=b"Subject: alias-test\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: self.find("postmaster", "Subject: alias-test"), what="alias delivery")

    def test_unknown_flag_is_usage_error(self):
        r = self.inst.sendmail("-Z", "alice", message=b"x\n")
        self.assertEqual(r.returncode, 64, "EX_USAGE")
        self.assertIn(b"-Z", r.stderr)

    def test_no_recipients_is_usage_error(self):
        r = self.inst.sendmail(message=b"Subject: none\n\nx\n")
        self.assertEqual(r.returncode, 64)
        self.assertIn(b"recipient", r.stderr.lower())

    def test_unknown_user_does_not_land_anywhere(self):
        r = self.inst.sendmail("nosuchuser", message=b"Subject: unknown-user\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: "status=bounced" in self.inst.log() and "nosuchuser" in self.inst.log(),
                           what="bounce log line")

    def test_dsn_ret_and_envid_from_the_command_line_reach_the_bounce(self):
        r = self.inst.sendmail("-f", "alice", "-R", "hdrs", "-V", "cli-envid-7", "nosuchuser2",
                               message=b"Subject: dsn-from-cli\n\nsecret body line\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: self.find("alice", "cli-envid-7"), what="the bounce to alice")
        bounce = self.parse(self.find("alice", "cli-envid-7")[0])
        self.assertEqual(bounce.get_content_type(), "multipart/report")
        status = next(p for p in bounce.walk() if p.get_content_type() == "message/delivery-status")
        self.assertIn("Original-Envelope-Id: cli-envid-7", status.as_string())
        raw = self.find("alice", "cli-envid-7")[0]
        self.assertIn(b"dsn-from-cli", raw, "RET=HDRS keeps the headers")
        self.assertNotIn(b"secret body line", raw, "RET=HDRS drops the body")


if __name__ == "__main__":
    unittest.main()
