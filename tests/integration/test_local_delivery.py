"""local's sendmail semantics in a user instance: a table of alias,
.forward and :include: scenarios, each submitted with the real sendmail
front end and checked where a user would look: Maildirs and mbox files read
with Python's `mailbox` module, files a |command wrote, bounces that came
back to the sender, mail left in the queue. (In a user instance a user's
$home is its Maildir, $mail_spool_directory/NAME, so .forward lives there.)
"""
import mailbox
import os
import pathlib
import unittest

from postern_instance import Instance


class LocalDelivery(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(start=False)
        root = cls.inst.root
        cls.out = root / "out"
        cls.out.mkdir(mode=0o700)
        for user in ("alice", "bob", "carol", "dave", "erin", "sender"):
            for sub in ("", "/tmp", "/new", "/cur"):
                os.makedirs(str(root / "mail" / user) + sub, mode=0o700, exist_ok=True)
        (root / "list.inc").write_text("# members\nbob\ncarol, carol\n")
        os.chmod(root / "list.inc", 0o600)
        home = lambda u: root / "mail" / u
        cls.write_private(home("dave") / ".forward", f"\\dave, {cls.out}/dave.mbox\n")
        cls.write_private(home("erin") / ".forward", "alice\n")
        cls.write_private(home("erin") / ".forward+lists", f"\"|cat > {cls.out}/erin-lists.txt\"\n")
        (root / "aliases").write_text(f"""\
postmaster: alice
MAILER-DAEMON: postmaster
pipe: "|cat > {cls.out}/pipe.txt"
env: "|env > {cls.out}/env.txt"
tofile: {cls.out}/file.mbox
list: :include:{root}/list.inc
staff: alice,
  bob, \\
  carol
loopa: loopb
loopb: loopa
gone: error:5.1.1:550 gone away, no forwarding address
later: "|exit 75"
nouser: "|exit 67"
twice: alice, staff
""")
        cls.inst.ctl("config", "-e", f"alias_maps=texthash:{root}/aliases")
        cls.inst.start()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    @staticmethod
    def write_private(path, text):
        path.write_text(text)
        os.chmod(path, 0o600)

    def send(self, rcpt, subject):
        msg = f"From: sender@localhost\nSubject: {subject}\n\nbody of {subject}\nFrom the start\n".encode()
        r = self.inst.sendmail("-i", "-f", "sender@localhost", rcpt, message=msg)
        self.assertEqual(r.returncode, 0, r.stderr)

    def in_maildir(self, user, subject):
        return [m for m in self.inst.messages(user) if f"Subject: {subject}".encode() in m]

    def wait_maildir(self, user, subject):
        self.inst.wait_for(lambda: self.in_maildir(user, subject), 30, f"{subject} in {user}'s Maildir")

    def wait_file(self, path, needle):
        self.inst.wait_for(lambda: path.exists() and needle in path.read_text(errors="replace"), 30,
                           f"{needle!r} in {path}")

    def mbox_subjects(self, path):
        box = mailbox.mbox(str(path))
        try:
            return [m["Subject"] for m in box]
        finally:
            box.close()

    # --- the table ------------------------------------------------------------------
    def test_alias_to_several_users_with_both_continuations(self):
        self.send("staff", "t-staff")
        for user in ("alice", "bob", "carol"):
            self.wait_maildir(user, "t-staff")

    def test_pipe_gets_the_message_on_stdin(self):
        self.send("pipe", "t-pipe")
        self.wait_file(self.out / "pipe.txt", "body of t-pipe")
        text = (self.out / "pipe.txt").read_text()
        self.assertTrue(text.startswith("From sender@localhost "), text[:80])
        self.assertIn("Delivered-To: pipe", text)
        self.assertIn("Return-Path: <sender@localhost>", text)

    def test_pipe_environment_is_clean(self):
        self.send("env+x", "t-env")
        self.wait_file(self.out / "env.txt", "RECIPIENT=")
        env = dict(line.split("=", 1) for line in (self.out / "env.txt").read_text().splitlines() if "=" in line)
        self.assertEqual(env["SENDER"], "sender@localhost")
        self.assertEqual(env["EXTENSION"], "x")
        self.assertEqual(env["LOCAL"], "env+x")
        self.assertEqual(env["PATH"], "/usr/bin:/bin")
        self.assertNotIn("POSTERN_CONFIG_DIR", env)

    def test_file_destination_is_an_mbox(self):
        self.send("tofile", "t-file")
        self.wait_file(self.out / "file.mbox", "t-file")
        box = mailbox.mbox(str(self.out / "file.mbox"))
        msgs = [m for m in box if m["Subject"] == "t-file"]
        box.close()
        self.assertEqual(len(msgs), 1)
        self.assertIn(">From the start", msgs[0].get_payload())

    def test_include_file_members_once_each(self):
        self.send("list", "t-list")
        self.wait_maildir("bob", "t-list")
        self.wait_maildir("carol", "t-list")
        self.inst.wait_queue_empty(30)
        self.assertEqual(len(self.in_maildir("carol", "t-list")), 1)

    def test_forward_keeps_a_copy_and_appends_to_a_file(self):
        self.send("dave", "t-dave")
        self.wait_maildir("dave", "t-dave")
        self.wait_file(self.out / "dave.mbox", "t-dave")
        self.assertIn("t-dave", self.mbox_subjects(self.out / "dave.mbox"))

    def test_forward_to_another_user(self):
        self.send("erin", "t-erin")
        self.wait_maildir("alice", "t-erin")
        self.assertEqual(self.in_maildir("erin", "t-erin"), [])

    def test_forward_with_extension_file_wins(self):
        self.send("erin+lists", "t-erin-lists")
        self.wait_file(self.out / "erin-lists.txt", "t-erin-lists")
        self.assertEqual(self.in_maildir("alice", "t-erin-lists"), [])

    def test_duplicate_destinations_delivered_once(self):
        self.send("twice", "t-twice")
        self.wait_maildir("carol", "t-twice")
        self.inst.wait_queue_empty(30)
        self.assertEqual(len(self.in_maildir("alice", "t-twice")), 1)

    def test_alias_loop_bounces_once(self):
        self.send("loopa", "t-loop")
        self.wait_maildir("sender", "t-loop")
        self.inst.wait_queue_empty(30)
        bounces = self.in_maildir("sender", "t-loop")
        self.assertEqual(len(bounces), 1)
        self.assertIn(b"5.4.6", bounces[0])

    def test_error_destination_bounces_with_its_text(self):
        self.send("gone", "t-gone")
        self.wait_maildir("sender", "t-gone")
        bounce = self.in_maildir("sender", "t-gone")[0]
        self.assertIn(b"gone away", bounce)
        self.assertIn(b"5.1.1", bounce)

    def test_command_exit_codes(self):
        self.send("nouser", "t-ex67")
        self.wait_maildir("sender", "t-ex67")
        self.assertIn(b"5.1.1", self.in_maildir("sender", "t-ex67")[0])
        self.send("later", "t-ex75")
        self.inst.wait_for(lambda: "t-ex75" in "".join(p.read_text(errors="replace")
                                                       for p in self.inst.queue_files("deferred")),
                           30, "EX_TEMPFAIL to leave the message deferred")
        self.assertEqual(self.in_maildir("sender", "t-ex75"), [])
        # texthash: is read at each delivery: the retry finds the new target.
        aliases = self.inst.root / "aliases"
        aliases.write_text(aliases.read_text().replace('later: "|exit 75"', "later: alice"))
        self.wait_maildir("alice", "t-ex75")


if __name__ == "__main__":
    unittest.main()
