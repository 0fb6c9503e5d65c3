"""local's privilege and file-safety rules, as root, in a system instance
with real users that the fixture creates with useradd and removes again:
a pipe in a user's .forward runs with that user's uid, an alias pipe as
$default_privs (never root), a .forward owned by someone else is ignored,
a user without a login shell gets no pipes, a mailbox that is a symlink to
/etc/passwd is refused, shell metacharacters in an address reach a pipe
only as data, an alias loop bounces once, a delivery waits while the real
`dotlockfile` holds the mailbox. The alias database is built by postern's
newaliases. Mailboxes are read with Python's mailbox.mbox. Skipped when
not root."""
import hashlib
import mailbox
import os
import pathlib
import pwd
import subprocess
import time
import unittest

from postern_instance import require_tool
from system_instance import SystemInstance

SHELL_USERS = ("plsa", "plsb", "plsc", "plsd")  # /bin/sh
NOLOGIN_USER = "plsn"                          # /usr/sbin/nologin: no pipes from its .forward


@unittest.skipUnless(os.geteuid() == 0, "needs root: creates users and runs a privilege-separated instance")
class LocalSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = SystemInstance("postern-lsec-")
        cls.t = t = cls.inst.t
        cls.env, cls.spool = cls.inst.env, cls.inst.spool
        for u in SHELL_USERS + (NOLOGIN_USER,):
            shell = "/usr/sbin/nologin" if u == NOLOGIN_USER else "/bin/sh"
            subprocess.run(["useradd", "-m", "-d", str(t / "home" / u), "-s", shell, u], check=True,
                           capture_output=True)
        cls.out = t / "out"
        cls.out.mkdir()
        os.chmod(cls.out, 0o1777)
        cls.inst.start(f"""\
postmaster: root
MAILER-DAEMON: postmaster
aliaspipe: "|/usr/bin/id -u > {cls.out}/alias-uid"
loopa: loopb
loopb: loopa
""", alias_type="hash")

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()
        for u in SHELL_USERS + (NOLOGIN_USER,):
            subprocess.run(["userdel", u], capture_output=True)

    # --- helpers ----------------------------------------------------------------------
    def home(self, user):
        return self.t / "home" / user

    def put_forward(self, user, text, owner=None):
        path = self.home(user) / ".forward"
        path.write_text(text)
        pw = pwd.getpwnam(owner or user)
        os.chown(path, pw.pw_uid, pw.pw_gid)
        os.chmod(path, 0o600)

    def send(self, sender, rcpt, subject):
        msg = f"From: {sender}\nSubject: {subject}\n\nbody of {subject}\n".encode()
        # Submitted by root with -f: who submits does not matter to local, and
        # a non-root submitter may not name a non-default configuration.
        r = subprocess.run([str(self.t / "bin" / "sendmail"), "-i", "-f", f"{sender}@mx.example.test", rcpt],
                           input=msg, env=self.env, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)

    def messages(self, user):
        """The messages in user's mbox, as strings (none when it does not exist:
        mailbox.mbox would create it, as root)."""
        path = self.spool / user
        if not path.is_file() or path.is_symlink():
            return []
        box = mailbox.mbox(str(path), create=False)
        try:
            return [m.as_string() for m in box]
        finally:
            box.close()

    def subjects(self, user):
        return [m.split("\nSubject: ", 1)[1].split("\n", 1)[0] for m in self.messages(user) if "\nSubject: " in m]

    def log(self):
        return self.inst.log()

    def wait_for(self, pred, what, timeout=30):
        self.inst.wait_for(pred, what, timeout)

    def wait_mbox(self, user, subject):
        self.wait_for(lambda: subject in self.subjects(user), f"{subject} in {user}'s mailbox")

    # --- the rules --------------------------------------------------------------------
    def test_pipe_in_forward_runs_as_the_user(self):
        self.put_forward("plsa", '\\plsa, "|/usr/bin/id -u > $HOME/uid.out"\n')
        self.send("plsb", "plsa", "s-uid")
        self.wait_mbox("plsa", "s-uid")
        out = self.home("plsa") / "uid.out"
        self.wait_for(out.exists, "the pipe's output")
        self.assertEqual(out.read_text().strip(), str(pwd.getpwnam("plsa").pw_uid))
        self.assertEqual(out.stat().st_uid, pwd.getpwnam("plsa").pw_uid)
        st = (self.spool / "plsa").stat()
        self.assertEqual((st.st_uid, st.st_mode & 0o777), (pwd.getpwnam("plsa").pw_uid, 0o600))

    def test_alias_pipe_runs_as_default_privs_never_root(self):
        self.send("plsb", "aliaspipe", "s-alias-uid")
        out = self.out / "alias-uid"
        self.wait_for(lambda: out.exists() and out.read_text().strip(), "the alias pipe's output")
        self.assertEqual(out.read_text().strip(), str(pwd.getpwnam("nobody").pw_uid))

    def test_forward_owned_by_another_user_is_ignored(self):
        marker = self.out / "foreign-forward-ran"
        self.put_forward("plsb", f"|/usr/bin/touch {marker}\n", owner="plsa")
        self.send("plsc", "plsb", "s-foreign")
        self.wait_mbox("plsb", "s-foreign")
        self.assertFalse(marker.exists())
        self.assertIn(".forward: ignored", self.log())

    def test_user_without_login_shell_gets_no_pipe(self):
        marker = self.out / "nologin-ran"
        self.put_forward(NOLOGIN_USER, f"|/usr/bin/touch {marker}\n")
        self.send("plsd", NOLOGIN_USER, "s-nologin")
        self.wait_for(lambda: any("s-nologin" in m for m in self.messages("plsd")), "the bounce")
        self.assertFalse(marker.exists())
        bounce = [m for m in self.messages("plsd") if "s-nologin" in m]
        self.assertIn("5.7.1", bounce[0])

    def test_mailbox_symlink_to_passwd_is_refused(self):
        before = hashlib.sha256(pathlib.Path("/etc/passwd").read_bytes()).hexdigest()
        link = self.spool / "plsc"
        link.symlink_to("/etc/passwd")
        try:
            self.send("plsb", "plsc", "s-symlink")
            self.wait_for(lambda: "plsc: is a symbolic link" in self.log(), "the refusal in the log")
            self.assertEqual(hashlib.sha256(pathlib.Path("/etc/passwd").read_bytes()).hexdigest(), before)
        finally:
            link.unlink()
        self.wait_mbox("plsc", "s-symlink")  # kept in the queue, delivered once the link is gone

    def test_shell_metacharacters_in_an_address_are_data(self):
        self.put_forward("plsc", '"|/usr/bin/printenv RECIPIENT > $HOME/rcpt.out"\n')
        marker = "/tmp/postern-pwned"
        ext = "`touch${IFS}" + marker + "`$(id)|id;'x'"
        ext = ext.replace("(", "{").replace(")", "}").replace(";", "&")  # stay within RFC 5322 atext
        self.send("plsb", f"plsc+{ext}@mx.example.test", "s-meta")
        out = self.home("plsc") / "rcpt.out"
        self.wait_for(out.exists, "the pipe's output")
        self.assertEqual(out.read_text().strip(), f"plsc+{ext}@mx.example.test")
        self.assertFalse(os.path.exists(marker))

    def test_alias_loop_bounces_once(self):
        self.send("plsd", "loopa", "s-loop")
        self.wait_for(lambda: any("s-loop" in m for m in self.messages("plsd")), "the bounce")
        time.sleep(1)  # a spinning loop would produce more within a second
        bounces = [m for m in self.messages("plsd") if "s-loop" in m]
        self.assertEqual(len(bounces), 1)
        self.assertIn("5.4.6", bounces[0])

    def test_delivery_waits_for_dotlockfile(self):
        dotlockfile = require_tool("dotlockfile")
        lock = self.spool / "plsb.lock"
        subprocess.run([dotlockfile, "-l", str(lock)], check=True, timeout=30)
        try:
            self.send("plsc", "plsb", "s-locked")
            time.sleep(2)  # local retries the lock every $deliver_lock_delay meanwhile
            self.assertTrue(lock.exists())
            self.assertNotIn("s-locked", self.subjects("plsb"))
        finally:
            subprocess.run([dotlockfile, "-u", str(lock)], check=True, timeout=30)
        self.wait_mbox("plsb", "s-locked")


if __name__ == "__main__":
    unittest.main()
