"""Damaged queue files go to corrupt/ with a log line, and the rest of the
queue keeps flowing."""
import os
import unittest

from postern_instance import Instance


class CorruptTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance(start=False)

    def tearDown(self):
        self.inst.close()

    def submit(self, subject):
        r = self.inst.sendmail("alice", message=f"Subject: {subject}\n\nbody\n".encode())
        self.assertEqual(r.returncode, 0, r.stderr)
        return max(self.inst.queue_files("maildrop"), key=lambda p: p.stat().st_mtime_ns)

    def test_truncated_and_garbage_files_are_set_aside(self):
        # With the mail system stopped, sendmail still queues durably in maildrop/.
        truncated_drop = self.submit("truncated-maildrop")
        data = truncated_drop.read_bytes()
        truncated_drop.write_bytes(data[: len(data) // 2])

        moved = self.submit("truncated-incoming")
        data = moved.read_bytes()
        target = self.inst.queue / "incoming" / moved.name
        target.write_bytes(data[:-3])
        moved.unlink()

        garbage = self.inst.queue / "incoming" / (moved.name[:-1] + ("1" if moved.name[-1] != "1" else "2"))
        garbage.write_bytes(os.urandom(500))

        self.submit("good-message")
        self.inst.start()
        self.inst.wait_for(lambda: any(b"Subject: good-message" in m for m in self.inst.messages("alice")),
                           what="the good message")
        corrupt = {p.name for p in (self.inst.queue / "corrupt").iterdir()}
        self.inst.wait_for(lambda: len(list((self.inst.queue / "corrupt").iterdir())) == 3,
                           what="three files in corrupt/")
        corrupt = {p.name for p in (self.inst.queue / "corrupt").iterdir()}
        self.assertIn(truncated_drop.name, corrupt)
        self.assertIn(target.name, corrupt)
        self.assertIn(garbage.name, corrupt)
        log = self.inst.log()
        for name in corrupt:
            self.assertRegex(log, rf"{name}.*corrupt", f"a log line names {name}")
        self.assertFalse(any(b"truncated" in m for m in self.inst.messages("alice")))


if __name__ == "__main__":
    unittest.main()
