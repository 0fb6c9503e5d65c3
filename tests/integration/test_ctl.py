"""postern-ctl as an administrator uses it, and the errors a broken
configuration must produce (one line naming file:line, non-zero exit)."""
import os
import re
import shutil
import time
import unittest

from postern_instance import Instance


class CtlTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance(start=False)
        self.conf = self.inst.root / "main.conf"

    def tearDown(self):
        self.inst.close()

    def test_init_creates_instance_layout(self):
        for user in ("postmaster", "alice", "bob"):
            for sub in ("new", "cur", "tmp"):
                self.assertTrue((self.inst.root / "mail" / user / sub).is_dir(), f"{user}/{sub}")
        for sub in ("maildrop", "incoming", "active", "deferred", "hold", "corrupt"):
            self.assertTrue((self.inst.queue / sub).is_dir(), sub)
        self.assertTrue((self.inst.root / "services.conf").is_file())
        self.assertTrue((self.inst.root / "aliases").is_file())

    def test_init_refuses_non_empty_directory(self):
        r = self.inst.ctl("init", str(self.inst.root), "--user-instance", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(str(self.inst.root), r.stderr.decode())

    def test_start_status_reload_stop(self):
        self.assertNotEqual(self.inst.ctl("status", check=False).returncode, 0)
        self.inst.start()
        self.assertEqual(self.inst.ctl("status").returncode, 0)
        again = self.inst.ctl("start", check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("running", (again.stdout + again.stderr).decode())
        self.inst.ctl("reload")
        time.sleep(0.5)
        self.assertEqual(self.inst.ctl("status").returncode, 0)
        # master restarts every service at reload; with smtp and smtpd pools
        # that takes a moment.
        self.inst.wait_for(lambda: {"pickup", "cleanup", "qmgr", "local", "smtp"}
                           <= set(self.inst.service_pids().values()), 20, "every service after reload")
        self.inst.stop()
        self.assertNotEqual(self.inst.ctl("status", check=False).returncode, 0)

    def test_config_queries(self):
        out = self.inst.ctl("config", "-n").stdout.decode()
        self.assertRegex(out, r"(?m)^user_instance = yes$")
        self.assertNotRegex(out, r"(?m)^hopcount_limit =")
        out = self.inst.ctl("config", "-d", "line_length_limit").stdout.decode()
        self.assertEqual(out.strip(), "line_length_limit = 2048")
        out = self.inst.ctl("config", "mail_spool_directory").stdout.decode()
        self.assertEqual(out.strip(), f"mail_spool_directory = {self.inst.root}/mail")
        r = self.inst.ctl("config", "no_such_parameter", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no_such_parameter", r.stderr.decode())

    def test_config_edit_refuses_out_of_range_and_keeps_file(self):
        before = self.conf.read_bytes()
        r = self.inst.ctl("config", "-e", "line_length_limit=100", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("line_length_limit", r.stderr.decode())
        self.assertEqual(self.conf.read_bytes(), before)
        self.inst.ctl("config", "-e", "line_length_limit=4096")
        self.assertEqual(self.inst.ctl("config", "line_length_limit").stdout.decode().strip(),
                         "line_length_limit = 4096")

    def assert_config_error(self, text, pattern):
        with open(self.conf, "a") as f:
            f.write(text)
        lines = self.conf.read_text().count("\n")
        for prog, args, code in (("postern-ctl", ("start",), None), ("sendmail", ("alice",), 78)):
            r = self.inst.run(prog, *args, input=b"Subject: x\n\nx\n")
            err = r.stderr.decode()
            self.assertNotEqual(r.returncode, 0, f"{prog} must fail")
            if code:
                self.assertEqual(r.returncode, code, f"{prog}: EX_CONFIG")
            self.assertIn(f"main.conf:{lines}:", err, f"{prog} names file:line: {err}")
            self.assertRegex(err, pattern)
            self.assertLessEqual(len(err.strip().splitlines()), 2, f"a short error, not a dump: {err}")

    def test_unknown_parameter_is_an_error(self):
        self.assert_config_error("bogus_parameter = 1\n", "bogus_parameter")

    def test_bad_value_is_an_error(self):
        self.assert_config_error("message_size_limit = lots\n", "message_size_limit")

    def test_world_writable_queue_directory_is_refused(self):
        for sub in ("", "incoming"):
            path = self.inst.queue / sub if sub else self.inst.queue
            os.chmod(path, 0o777)
            r = self.inst.ctl("start", check=False)
            os.chmod(path, 0o700)
            self.assertNotEqual(r.returncode, 0, f"start with {path} mode 0777")
            self.assertIn(f"{path}: writable by group or others", r.stderr.decode())
        self.inst.start()

    def test_missing_queue_directory(self):
        shutil.rmtree(self.inst.queue)
        r = self.inst.ctl("start", check=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(str(self.inst.queue), r.stderr.decode())
        r = self.inst.sendmail("alice", message=b"x\n")
        self.assertIn(r.returncode, (73, 75, 78), "EX_CANTCREAT/EX_TEMPFAIL/EX_CONFIG")
        self.assertIn(str(self.inst.queue), r.stderr.decode())


if __name__ == "__main__":
    unittest.main()
