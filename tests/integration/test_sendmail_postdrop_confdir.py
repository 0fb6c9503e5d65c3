"""The set-gid postdrop honours a caller's configuration directory (-c DIR,
POSTERN_CONFIG_DIR, or sendmail -C passing it on) only as Postfix's
alternate_config_directories rule allows (plus directories only root
could have written): a real set-gid copy of the built postdrop, run as an
unprivileged user, refuses the user's own directory, and the same binary
without the set-gid bit accepts it. Needs root (to make the set-gid copy and to become nobody)."""
import grp
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile
import unittest

from postern_instance import BIN

EX_NOPERM = 77


def as_nobody():
    nobody = pwd.getpwnam("nobody")
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


class PostdropConfigDir(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("making a set-gid copy and running it as nobody needs root")
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-pdcd-"))
        os.chmod(self.dir, 0o755)
        self.postdrop = self.dir / "postdrop"
        shutil.copy(BIN / "postdrop", self.postdrop)
        # Any group that is not nobody's own stands in for "postdrop".
        self.group = next(g.gr_gid for g in grp.getgrall() if g.gr_gid != pwd.getpwnam("nobody").pw_gid)
        os.chown(self.postdrop, 0, self.group)
        # The caller's own configuration, as an unprivileged user would make it.
        nobody = pwd.getpwnam("nobody")
        self.conf = self.dir / "evil-conf"
        self.conf.mkdir()
        (self.conf / "main.conf").write_text(f"queue_directory = {self.dir}/elsewhere\n")
        for p in (self.conf, self.conf / "main.conf"):
            os.chown(p, nobody.pw_uid, nobody.pw_gid)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_postdrop(self, *args, env=None):
        return subprocess.run([str(self.postdrop), *args], input=b"", capture_output=True, timeout=30,
                              preexec_fn=as_nobody, env=env or {"PATH": "/usr/bin:/bin"})

    def test_setgid_postdrop_refuses_unlisted_directory(self):
        os.chmod(self.postdrop, 0o2755)
        r = self.run_postdrop("-c", str(self.conf))
        self.assertEqual(r.returncode, EX_NOPERM, r.stderr)
        self.assertIn(f"configuration directory {self.conf} refused", r.stderr.decode())
        r = self.run_postdrop(env={"PATH": "/usr/bin:/bin", "POSTERN_CONFIG_DIR": str(self.conf)})
        self.assertEqual(r.returncode, EX_NOPERM, r.stderr)
        self.assertFalse((self.dir / "elsewhere").exists())

    def test_setgid_postdrop_accepts_a_root_made_directory(self):
        # A second instance that only root could have written (as the
        # system-instance test makes one) needs no listing.
        os.chmod(self.postdrop, 0o2755)
        root_conf = self.dir / "root-conf"
        root_conf.mkdir()
        (root_conf / "main.conf").write_text(f"queue_directory = {self.dir}/rootq\n")
        r = self.run_postdrop("-c", str(root_conf))
        self.assertNotEqual(r.returncode, EX_NOPERM, r.stderr)
        self.assertNotIn(b"refused", r.stderr)
        os.chmod(root_conf / "main.conf", 0o666)  # now anyone could have changed it
        r = self.run_postdrop("-c", str(root_conf))
        self.assertEqual(r.returncode, EX_NOPERM, r.stderr)

    def test_without_setgid_any_directory_is_used(self):
        os.chmod(self.postdrop, 0o755)
        r = self.run_postdrop("-c", str(self.conf))
        self.assertNotEqual(r.returncode, EX_NOPERM, r.stderr)
        self.assertNotIn(b"refused", r.stderr)


if __name__ == "__main__":
    unittest.main()
