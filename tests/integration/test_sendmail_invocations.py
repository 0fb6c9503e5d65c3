"""Every documented sendmail invocation against a real user instance: the
exit code, what it prints, and its effect (the message delivered with the
right envelope and headers, read back with Python's mailbox and email
modules; or nothing queued when the command refuses)."""
import email
import email.policy
import os
import pwd
import subprocess
import time
import unittest

from postern_instance import BIN, Instance, free_port

ME = pwd.getpwuid(os.getuid()).pw_name
EX_OK, EX_USAGE, EX_DATAERR, EX_NOUSER, EX_UNAVAILABLE, EX_CANTCREAT = 0, 64, 65, 67, 69, 73


def msg(token, extra=b""):
    return b"Subject: " + token.encode() + b"\n" + extra + b"\nbody of " + token.encode() + b"\n"


# (label, argv after "sendmail", stdin, exit code, stdout must contain, stderr must contain,
#  deliveries: [(user, token)] that must arrive)
CASES = [
    ("plain recipient", ["alice"], msg("inv-plain"), EX_OK, "", "", [("alice", "inv-plain")]),
    ("recipient list in one operand", ["alice, Bob <bob>"], msg("inv-list"), EX_OK, "", "",
     [("alice", "inv-list"), ("bob", "inv-list")]),
    ("-t with To and Cc", ["-t", "-i"], msg("inv-t", b"To: alice\nCc: bob\n"), EX_OK, "", "",
     [("alice", "inv-t"), ("bob", "inv-t")]),
    ("-t plus command-line address", ["-t", "postmaster"], msg("inv-tplus", b"To: alice\n"), EX_OK, "", "",
     [("alice", "inv-tplus"), ("postmaster", "inv-tplus")]),
    ("-t uses Resent-To when present", ["-t"],
     msg("inv-resent", b"To: alice\nResent-From: x@example.org\nResent-To: bob\n"), EX_OK, "", "",
     [("bob", "inv-resent")]),
    ("-t without recipients", ["-t"], msg("inv-norcpt"), EX_USAGE, "", "No recipient addresses found in header", []),
    ("no recipients at all", [], msg("inv-none"), EX_USAGE, "", "Recipient names must be specified", []),
    ("cron's command line", ["-FCronDaemon", "-i", "-odi", "-oem", "-oi", "-t", "-f", "root"],
     msg("inv-cron", b"To: alice\n"), EX_OK, "", "", [("alice", "inv-cron")]),
    ("-f sets the envelope sender", ["-f", "boss@example.org", "bob"], msg("inv-f"), EX_OK, "", "",
     [("bob", "inv-f")]),
    ("-r is -f", ["-r", "<list-bounces@example.org>", "bob"], msg("inv-r"), EX_OK, "", "", [("bob", "inv-r")]),
    ("two senders", ["-f", "a@x", "-r", "b@x", "bob"], msg("inv-2f"), EX_USAGE, "", 'More than one "from" person', []),
    ("-F full name", ["-F", "Cron Daemon", "alice"], msg("inv-F"), EX_OK, "", "", [("alice", "inv-F")]),
    ("dot ends the message", ["alice"], msg("inv-dot") + b".\nafter\n", EX_OK, "", "", [("alice", "inv-dot")]),
    ("-oi keeps dot lines", ["-oi", "alice"], msg("inv-oi") + b".\nafter-dot\n", EX_OK, "", "", [("alice", "inv-oi")]),
    ("-O IgnoreDots", ["-O", "IgnoreDots=True", "alice"], msg("inv-Oi") + b".\nafter-dot\n", EX_OK, "", "",
     [("alice", "inv-Oi")]),
    ("DSN flags", ["-N", "success,failure", "-R", "hdrs", "-V", "env-1", "-B", "8BITMIME", "alice"], msg("inv-dsn"),
     EX_OK, "", "", [("alice", "inv-dsn")]),
    ("ignored flags", ["-G", "-h", "5", "-L", "tag", "-U", "-Am", "-pESMTP", "-odq", "-oem", "-om", "-oL9",
                       "-O", "Timeout.queuereturn=5d", "alice"], msg("inv-ign"), EX_OK, "", "", [("alice", "inv-ign")]),
    ("-v reports each recipient", ["-v", "alice"], msg("inv-v"), EX_OK, "alice... Queued", "", [("alice", "inv-v")]),
    ("-d0.1 prints the version", ["-d0.1", "alice"], msg("inv-d"), EX_OK, "Version postern", "",
     [("alice", "inv-d")]),
    ("empty message", ["bob"], b"", EX_OK, "", "", [("bob", None)]),
    ("NUL byte", ["alice"], b"Subject: nul\n\na\0b\n", EX_DATAERR, "", "NUL bytes", []),
    ("malformed address", ["a@@b"], msg("inv-bad"), EX_USAGE, "", "a@@b... malformed address", []),
    ("overlong address", ["x" * 300 + "@example.org"], msg("inv-long"), EX_USAGE, "", "address too long", []),
    ("overlong argument", ["-F", "n" * 70000, "alice"], msg("inv-argv"), EX_USAGE, "", "argument too long", []),
    ("unknown flag", ["-x", "alice"], msg("inv-x"), EX_USAGE, "", "unknown option -x", []),
    ("-ba refused", ["-ba"], b"", EX_USAGE, "", "ARPANET", []),
    ("-bz refused", ["-bz"], b"", EX_USAGE, "", "Frozen configurations unsupported", []),
    ("-C sendmail.cf refused", ["-C", "/etc/hostname", "alice"], msg("inv-C"), EX_USAGE, "",
     "not a postern configuration directory", []),
    ("-bp lists", ["-bp"], b"", EX_OK, "", "", []),
    ("-bP counts", ["-bP"], b"", EX_OK, "Total requests:", "", []),
    ("-bC checks", ["-bC"], b"", EX_OK, "", "", []),
    ("-bH purges host status", ["-bH"], b"", EX_OK, "", "", []),
    ("-bh shows host status", ["-bh"], b"", EX_OK, "", "", []),
    ("-q flushes", ["-q"], b"", EX_OK, "", "", []),
    ("-q30m flushes once", ["-q30m"], b"", EX_OK, "", "", []),
    ("-qR selects", ["-qRbob"], b"", EX_OK, "", "", []),
    ("-q!S selects", ["-q!Snobody"], b"", EX_OK, "", "", []),
    ("-qG refused", ["-qGslow"], b"", EX_USAGE, "", "queue groups", []),
    ("-qQ refused", ["-qQ"], b"", EX_USAGE, "", "quarantine", []),
    ("-Q releases nothing held", ["-Q", "-qInosuchid"], b"", EX_OK, "", "", []),
    ("-bv local user", ["-bv", "alice"], b"", EX_OK, "alice... deliverable: mailer local, user alice", "", []),
    ("-bv remote", ["-bv", "someone@example.org"], b"", EX_OK,
     "someone@example.org... deliverable: mailer esmtp, host [127.0.0.1]:", "", []),
    ("-bv unknown", ["-bv", "nosuchuser"], b"", EX_NOUSER, "nosuchuser... User unknown", "", []),
    ("-bv without address", ["-bv"], b"", EX_USAGE, "", "Recipient names must be specified", []),
    ("-bt resolves typed addresses", ["-bt"], b"3,0 alice\n/quit\n", EX_OK,
     "alice... deliverable: mailer local, user alice", "", []),
]


class SendmailInvocations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Only "daemon" is trusted, so the test user's -f earns the warning
        # header; remote mail goes to a closed port, so it is deferred.
        cls.inst = Instance(settings={"trusted_users": "daemon", "relayhost": f"[127.0.0.1]:{free_port()}"})

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def sendmail(self, *args, stdin=b"", name="sendmail"):
        return subprocess.run([str(BIN / name), *args], input=stdin, env=self.inst.env, capture_output=True,
                              timeout=60)

    def find(self, user, token):
        return [email.message_from_bytes(m, policy=email.policy.compat32) for m in self.inst.messages(user)
                if token is None or f"Subject: {token}\n".encode() in m]

    def wait_delivered(self, user, token):
        self.inst.wait_for(lambda: self.find(user, token), 30, f"{token} for {user}")
        return self.find(user, token)[0]

    def test_table(self):
        for label, args, stdin, code, out, err, deliveries in CASES:
            with self.subTest(label):
                before = {u: len(self.inst.messages(u)) for u in ("alice", "bob", "postmaster")}
                r = self.sendmail(*args, stdin=stdin)
                self.assertEqual(r.returncode, code, f"{label}: {r.stderr.decode(errors='replace')[:500]}")
                self.assertIn(out, r.stdout.decode(errors="replace"))
                self.assertIn(err, r.stderr.decode(errors="replace"))
                for user, token in deliveries:
                    if token is None:
                        self.inst.wait_for(lambda u=user: len(self.inst.messages(u)) > before[u], 30, label)
                    else:
                        self.wait_delivered(user, token)
                if code != EX_OK:
                    self.assertEqual(self.inst.queue_files("maildrop"), [], f"{label}: nothing may be kept")
        self.check_effects()

    def check_effects(self):
        m = self.wait_delivered("bob", "inv-f")
        self.assertEqual(m["Return-Path"], "<boss@example.org>")
        host = m["X-Authentication-Warning"].split(":")[0]
        self.assertEqual(m["X-Authentication-Warning"], f"{host}: {ME} set sender to boss@example.org using -f")
        m = self.wait_delivered("bob", "inv-r")
        self.assertEqual(m["Return-Path"], "<list-bounces@example.org>")
        self.assertIn("using -r", m["X-Authentication-Warning"])
        m = self.wait_delivered("alice", "inv-cron")
        self.assertIn("CronDaemon", m["From"])
        if ME == "root":
            self.assertIsNone(m["X-Authentication-Warning"], "root setting -f root is its own name")
        m = self.wait_delivered("alice", "inv-F")
        self.assertIn("Cron Daemon", m["From"])
        self.assertNotIn("after", self.wait_delivered("alice", "inv-dot").get_payload())
        self.assertIn("\n.\nafter-dot\n", self.wait_delivered("alice", "inv-oi").get_payload())
        self.assertIn("\n.\nafter-dot\n", self.wait_delivered("alice", "inv-Oi").get_payload())
        self.assertEqual(self.find("alice", "inv-resent"), [], "To: ignored when Resent-To is present")
        m = self.wait_delivered("alice", "inv-plain")
        self.assertEqual(m["Return-Path"], f"<{ME}@{m['Return-Path'].split('@')[1][:-1]}>")
        self.assertIsNone(m["X-Authentication-Warning"])

    def test_names_by_argv0(self):
        r = self.sendmail(name="mailq")
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        for name in ("purgestat", "hoststat"):
            r = self.sendmail(name=name)
            self.assertEqual(r.returncode, EX_OK, r.stderr)
        self.assertIn("No host status", r.stdout.decode(), "hoststat after purgestat")
        r = self.sendmail(name="newaliases")
        self.assertIn(r.returncode, (EX_OK, EX_UNAVAILABLE), r.stderr)

    def test_dash_C_names_the_instance(self):
        env = dict(os.environ)
        env.pop("POSTERN_CONFIG_DIR", None)
        r = subprocess.run([str(BIN / "sendmail"), "-C", str(self.inst.root), "bob"], input=msg("inv-dashC"),
                           env=env, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        self.wait_delivered("bob", "inv-dashC")

    def test_transcript_file(self):
        log = self.inst.dir / "transcript.log"
        r = self.sendmail("-X", str(log), "alice", stdin=msg("inv-X"))
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        text = log.read_text()
        self.assertRegex(text, r"\d+ <<< RCPT To:<alice>")
        self.assertRegex(text, r"\d+ <<< Subject: inv-X")
        self.assertRegex(text, r"\d+ >>> 250 ")
        r = self.sendmail("-X", str(self.inst.dir / "no" / "such" / "dir"), "alice", stdin=msg("inv-X2"))
        self.assertEqual(r.returncode, EX_CANTCREAT)

    def test_hold_and_release_with_Q(self):
        # Mail to an unreachable remote domain is deferred; -Q holds and releases it.
        r = self.sendmail("someone@unreachable.example", stdin=msg("inv-Q"))
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        self.inst.wait_for(lambda: self.inst.queue_files("deferred"), 30, "a deferred message")
        r = self.sendmail("-Qspam", "-qRunreachable.example")
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        self.assertIn("held: spam", r.stdout.decode())
        self.assertEqual(len(self.inst.queue_files("hold")), 1)
        r = self.sendmail("-Q", "-qRunreachable.example")
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        self.assertIn("released", r.stdout.decode())
        self.assertEqual(self.inst.queue_files("hold"), [])

    def test_smtp_session_bs(self):
        script = (b"EHLO client.example\r\nMAIL FROM:<" + ME.encode() + b">\r\nRCPT TO:<alice>\r\n"
                  b"RCPT TO:<bob@localhost>\r\nDATA\r\nSubject: inv-bs\r\n\r\n..dot-stuffed\r\n.\r\nQUIT\r\n")
        r = self.sendmail("-bs", stdin=script)
        self.assertEqual(r.returncode, EX_OK, r.stderr)
        out = r.stdout.decode()
        self.assertTrue(out.startswith("220 "), out)
        self.assertIn("250 2.0.0 Ok: queued\r\n", out)
        self.assertTrue(out.endswith("221 2.0.0 " + out.split("221 2.0.0 ")[1]))
        for user in ("alice", "bob"):
            m = self.wait_delivered(user, "inv-bs")
            self.assertIn(".dot-stuffed", m.get_payload())
            self.assertNotIn("..dot-stuffed", m.get_payload())

    def test_bd_starts_the_mail_system(self):
        inst = Instance(start=False)
        try:
            r = subprocess.run([str(BIN / "sendmail"), "-bd", "-q30m"], env=inst.env, capture_output=True, timeout=60)
            self.assertEqual(r.returncode, EX_OK, r.stderr)
            inst.started = True
            self.assertTrue(inst.master_pid() > 0)
            r = subprocess.run([str(BIN / "sendmail"), "alice"], input=msg("inv-bd"), env=inst.env,
                               capture_output=True, timeout=60)
            self.assertEqual(r.returncode, EX_OK, r.stderr)
            inst.wait_for(lambda: any(b"inv-bd" in m for m in inst.messages("alice")), 30, "delivery after -bd")
        finally:
            inst.close()

    def test_bD_runs_in_the_foreground(self):
        inst = Instance(start=False)
        proc = subprocess.Popen([str(BIN / "sendmail"), "-bD"], env=inst.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            inst.wait_for(lambda: (inst.queue / "pid" / "master.pid").exists(), 30, "master.pid")
            self.assertEqual(inst.master_pid(), proc.pid, "sendmail -bD becomes master itself")
            self.assertIsNone(proc.poll())
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            inst.close()


if __name__ == "__main__":
    unittest.main()
