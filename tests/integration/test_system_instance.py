"""A system instance as root: `postern-ctl setup-system` creates the postern
user and postdrop group, master runs pickup/cleanup/qmgr as postern and only
local as root, a real unprivileged user submits through the set-gid
postdrop, and the mail lands in that recipient's mbox, owned by them, dot-
and fcntl-locked, readable by Python's mailbox.mbox. Skipped when not root."""
import grp
import mailbox
import os
import pathlib
import pwd
import stat
import subprocess
import unittest

from system_instance import SystemInstance, exists_user

USERS = ("ptsender", "ptrcpt")


@unittest.skipUnless(os.geteuid() == 0, "needs root: creates users and runs a privilege-separated instance")
class SystemInstanceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for u in USERS:
            if not exists_user(u):
                subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", u], check=True)
        cls.inst = SystemInstance("postern-sys-")
        cls.t, cls.env = cls.inst.t, cls.inst.env
        cls.inst.start("postmaster: root\nsysteam: ptrcpt\n")

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()
        for u in USERS:
            subprocess.run(["userdel", u], capture_output=True)

    def as_user(self, user, *cmd, input=None):
        return subprocess.run(["runuser", "-u", user, "--", *cmd], input=input, env=self.env,
                              capture_output=True, timeout=60)

    def service_users(self):
        master = int((self.t / "queue" / "pid" / "master.pid").read_text().split()[0])
        out = {}
        for st in pathlib.Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(l.split(":", 1) for l in st.read_text().splitlines() if ":" in l)
            except OSError:
                continue
            if int(fields["PPid"]) == master:
                out.setdefault(fields["Name"].strip(), set()).add(int(fields["Uid"].split()[0]))
        return out

    def wait_for(self, pred, what, timeout=30):
        self.inst.wait_for(pred, what, timeout)

    def test_services_run_with_least_privilege(self):
        postern = pwd.getpwnam("postern").pw_uid
        # A service starts as root and drops privileges after reading its
        # config: wait until every one has done so (or fail after 10 s).
        want = {"pickup": {postern}, "cleanup": {postern}, "qmgr": {postern}, "local": {0}}
        self.wait_for(lambda: all(self.service_users().get(n) == u for n, u in want.items()),
                      "services to settle", timeout=10)
        users = self.service_users()
        for name in ("pickup", "cleanup", "qmgr"):
            self.assertEqual(users.get(name), {postern}, f"{name} must run as postern, not root")
        self.assertEqual(users.get("local"), {0}, "local starts as root to become each recipient")

    def test_queue_and_postdrop_permissions(self):
        q = self.t / "queue"
        st = os.stat(q / "maildrop")
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o1770)
        self.assertEqual(grp.getgrgid(st.st_gid).gr_name, "postdrop")
        pd = os.stat(self.t / "bin" / "postdrop")
        self.assertTrue(pd.st_mode & stat.S_ISGID and not pd.st_mode & stat.S_ISUID, "set-gid, never set-uid")
        for sub in ("incoming", "active", "deferred", "corrupt"):
            r = self.as_user("ptsender", "ls", str(q / sub))
            self.assertNotEqual(r.returncode, 0, f"an ordinary user must not read {sub}/")
        r = self.as_user("ptsender", "sh", "-c", f"echo x > {q}/maildrop/forged")
        self.assertNotEqual(r.returncode, 0, "only postdrop may write into maildrop/")

    def test_user_submission_lands_in_owned_mbox(self):
        sender = pwd.getpwnam("ptsender")
        msg = b"Subject: system-instance\n\nFrom here on it is mbox.\nsecond line\n"
        r = self.as_user("ptsender", str(self.t / "bin" / "sendmail"), "systeam", input=msg)
        self.assertEqual(r.returncode, 0, r.stderr)
        box = self.t / "spool" / "ptrcpt"
        self.wait_for(lambda: box.exists() and b"system-instance" in box.read_bytes(), "mbox delivery")
        st = os.stat(box)
        self.assertEqual(st.st_uid, pwd.getpwnam("ptrcpt").pw_uid, "mailbox owned by its user")
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertFalse((self.t / "spool" / "ptrcpt.lock").exists(), "dot-lock removed after delivery")
        mbox = mailbox.mbox(str(box), create=False)
        msgs = list(mbox)
        mbox.close()
        self.assertEqual(len(msgs), 1)
        m = msgs[0]
        self.assertEqual(m["Subject"], "system-instance")
        self.assertEqual(m["Return-Path"], "<ptsender@mx.example.test>")
        self.assertIn(f"from userid {sender.pw_uid}", m["Received"])
        self.assertTrue(m.get_from().startswith("ptsender@mx.example.test "))
        self.assertEqual(m.get_payload(), ">From here on it is mbox.\nsecond line\n")


if __name__ == "__main__":
    unittest.main()
