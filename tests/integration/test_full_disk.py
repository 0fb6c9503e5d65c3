"""A full disk: sendmail exits EX_TEMPFAIL with the device's error and
leaves nothing half-written; mail that fits still flows. The maildrop is a
small tmpfs mounted for the test (root only)."""
import os
import subprocess
import unittest

from postern_instance import Instance


@unittest.skipUnless(os.geteuid() == 0, "needs root to mount a small tmpfs")
class FullDiskTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance(start=False)
        self.maildrop = self.inst.queue / "maildrop"
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(self.maildrop)],
                       check=True)

    def tearDown(self):
        self.inst.stop()
        subprocess.run(["umount", str(self.maildrop)], check=False)
        self.inst.close()

    def test_enospc_is_a_temporary_failure_and_leaves_nothing(self):
        big = b"Subject: too-big-for-disk\n\n" + (b"y" * 1000 + b"\n") * 600   # ~600 KB > 256 KB
        r = self.inst.sendmail("alice", message=big)
        self.assertEqual(r.returncode, 75, "EX_TEMPFAIL")
        self.assertIn(b"No space left on device", r.stderr)
        self.assertEqual(os.listdir(self.maildrop), [], "no temp or partial file left behind")

        r = self.inst.sendmail("alice", message=b"Subject: fits\n\nsmall\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.start()
        self.inst.wait_for(lambda: any(b"Subject: fits" in m for m in self.inst.messages("alice")),
                           what="the small message")


if __name__ == "__main__":
    unittest.main()
