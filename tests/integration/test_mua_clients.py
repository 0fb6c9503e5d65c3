"""Real mail clients nobody here wrote send through postern's sendmail:
mutt in batch mode, s-nail's mail -s, git send-email --sendmail-cmd, cron's
exact command line, a PHP-mailer-style sendmail -bs session driven by
Python's smtplib, and a Python admin script using subprocess. Each message
is read back from the recipient's Maildir with Python's mailbox/email."""
import email
import email.message
import email.policy
import os
import pathlib
import shutil
import smtplib
import socket
import subprocess
import unittest

from postern_instance import BIN, Instance, require_tool

SENDMAIL = str(BIN / "sendmail")


class MuaClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance()
        cls.home = cls.inst.dir / "home"
        cls.home.mkdir()
        # The clients find the instance through the environment, as the
        # system's /usr/sbin/sendmail would find /etc/postern.
        cls.env = dict(cls.inst.env, HOME=str(cls.home), LC_ALL="C.UTF-8", TERM="dumb")

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def run_tool(self, argv, stdin=b"", cwd=None):
        r = subprocess.run(argv, input=stdin, env=self.env, capture_output=True, timeout=60, cwd=cwd)
        self.assertEqual(r.returncode, 0, f"{argv[0]}: {r.stdout.decode(errors='replace')} "
                                          f"{r.stderr.decode(errors='replace')}")
        return r

    def delivered(self, user, subject):
        def find():
            for raw in self.inst.messages(user):
                m = email.message_from_bytes(raw, policy=email.policy.default)
                if m["Subject"] == subject:
                    return m
            return None
        self.inst.wait_for(lambda: find() is not None, 30, f"{subject!r} for {user}")
        return find()

    def test_mutt_batch_mode(self):
        mutt = require_tool("mutt")
        self.run_tool([mutt, "-n", "-F", "/dev/null", "-e", f"set sendmail='{SENDMAIL}'",
                       "-e", "set from='Mutt User <mutt@example.org>'", "-e", "set use_from=yes",
                       # bare names are qualified with the instance's own host name
                       "-e", "set hostname=localhost",
                       "-s", "from mutt", "-c", "bob", "alice"], stdin=b"hello from mutt\n")
        for user in ("alice", "bob"):
            m = self.delivered(user, "from mutt")
            self.assertEqual(m["From"], "Mutt User <mutt@example.org>")
            self.assertIn("alice", m["To"])
            self.assertIn("hello from mutt", m.get_content())
            self.assertIn("bob", m["Cc"])

    def test_s_nail_mail_dash_s(self):
        nail = require_tool("s-nail")
        self.run_tool([nail, "-:/", "-S", f"mta={SENDMAIL}", "-S", "from=nail@example.org",
                       "-s", "from s-nail", "alice"], stdin=b"hello from s-nail\n")
        m = self.delivered("alice", "from s-nail")
        self.assertEqual(m["From"], "nail@example.org")
        self.assertIn("hello from s-nail", m.get_content())

    def test_git_send_email(self):
        git = require_tool("git")
        repo = self.inst.dir / "repo"
        repo.mkdir()
        genv = dict(GIT_AUTHOR_NAME="Ada Dev", GIT_AUTHOR_EMAIL="ada@example.org",
                    GIT_COMMITTER_NAME="Ada Dev", GIT_COMMITTER_EMAIL="ada@example.org")
        self.env.update(genv)
        self.run_tool([git, "init", "-q", str(repo)])
        (repo / "README").write_text("hello\n")
        self.run_tool([git, "-C", str(repo), "add", "README"])
        self.run_tool([git, "-C", str(repo), "commit", "-q", "-m", "Add a README for postern"])
        self.run_tool([git, "-C", str(repo), "format-patch", "-1", "-o", str(self.inst.dir / "patches")])
        patch = next((self.inst.dir / "patches").glob("*.patch"))
        self.run_tool([git, "-C", str(repo), "send-email", f"--sendmail-cmd={SENDMAIL}", "--to=alice",
                       "--cc=bob", "--confirm=never", "--quiet", "--no-chain-reply-to", str(patch)])
        for user in ("alice", "bob"):
            m = self.delivered(user, "[PATCH] Add a README for postern")
            self.assertEqual(m["From"], "Ada Dev <ada@example.org>")
            self.assertIn("+hello", m.get_content())
            self.assertIn("git-send-email", m["X-Mailer"])

    def test_cron_command_line(self):
        # cron (Debian's cron 3.0pl1) pipes its job output to exactly this.
        job_mail = (b"From: root (Cron Daemon)\nTo: alice\nSubject: Cron <root@host> /usr/local/bin/backup\n"
                    b"MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
                    b"X-Cron-Env: <SHELL=/bin/sh>\nX-Cron-Env: <HOME=/root>\n\nbackup done\n.\nstill output\n")
        self.run_tool([SENDMAIL, "-FCronDaemon", "-i", "-odi", "-oem", "-oi", "-t", "-f", "root"], stdin=job_mail)
        m = self.delivered("alice", "Cron <root@host> /usr/local/bin/backup")
        raw = [r for r in self.inst.messages("alice") if b"/usr/local/bin/backup" in r][0]
        self.assertIn(b"\nFrom: root (Cron Daemon)\n", raw)
        self.assertEqual(m.get_all("X-Cron-Env"), ["<SHELL=/bin/sh>", "<HOME=/root>"])
        self.assertEqual(m.get_content(), "backup done\n.\nstill output\n", "-i keeps the lone dot line")
        self.assertTrue(m["Return-Path"].startswith("<root@"))

    def test_php_style_bs_session(self):
        # PHP mailers (SwiftMailer's/Symfony's sendmail transport "-bs")
        # speak SMTP on the pipe; smtplib plays that client here.
        ours, theirs = socket.socketpair()
        proc = subprocess.Popen([SENDMAIL, "-bs"], stdin=theirs, stdout=theirs, env=self.env,
                                stderr=subprocess.PIPE)
        theirs.close()

        class PipeSMTP(smtplib.SMTP):
            def _get_socket(self, host, port, timeout):
                return ours

        try:
            client = PipeSMTP()
            code, _ = client.connect("sendmail-bs", 25)
            self.assertEqual(code, 220)
            client.ehlo("[127.0.0.1]")
            self.assertTrue(client.has_extn("8bitmime"))
            msg = email.message.EmailMessage()
            msg["From"] = "App <app@example.org>"
            msg["To"] = "alice, bob@localhost"
            msg["Subject"] = "from php -bs"
            msg.set_content("Order #42 confirmed.\n.leading dot line\n")
            refused = client.send_message(msg)
            self.assertEqual(refused, {})
            client.quit()
        finally:
            ours.close()
            self.assertEqual(proc.wait(timeout=30), 0, proc.stderr.read())
        for user in ("alice", "bob"):
            m = self.delivered(user, "from php -bs")
            self.assertEqual(m.get_content(), "Order #42 confirmed.\n.leading dot line\n")
            self.assertEqual(m["Return-Path"], "<app@example.org>")

    def test_python_admin_script(self):
        script = self.inst.dir / "report.py"
        script.write_text(
            "import email.message, subprocess, sys\n"
            "m = email.message.EmailMessage()\n"
            "m['To'] = 'bob'\nm['From'] = 'Disk Monitor <monitor@example.org>'\n"
            "m['Subject'] = 'disk report'\n"
            "m.set_content('/ is 91% full\\n')\n"
            f"r = subprocess.run([{SENDMAIL!r}, '-t', '-oi'], input=m.as_bytes())\n"
            "sys.exit(r.returncode)\n")
        self.run_tool(["python3", str(script)])
        m = self.delivered("bob", "disk report")
        self.assertEqual(m.get_content(), "/ is 91% full\n")
        self.assertEqual(m["From"], "Disk Monitor <monitor@example.org>")


if __name__ == "__main__":
    unittest.main()
