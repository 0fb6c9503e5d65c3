"""Lookup tables wired into the daemons.

alias_maps of type hash: (built by postern-map, keys and values stored with
a trailing NUL as newaliases and postalias do) are expanded by local; a
table that cannot be read defers the mail (it stays queued), never bounces.
qmgr bounces relocated_maps users (5.1.6) and honours transport_maps
error: entries with their own code.
"""
import unittest

from postern_instance import Instance


class WiringCase(unittest.TestCase):
    def setUp(self):
        self.inst = Instance(start=False)
        self.addCleanup(self.inst.close)

    def build(self, text, name="hash-aliases"):
        source = self.inst.root / name
        source.write_text(text)
        r = self.inst.run("postern-map", "hash:" + str(source))
        self.assertEqual(r.returncode, 0, r.stderr)
        return "hash:" + str(source)

    def find(self, user, needle):
        return [m for m in self.inst.messages(user) if needle in m]


class HashAliases(WiringCase):
    def test_hash_alias_delivers_to_every_target(self):
        spec = self.build("team alice, bob\n")
        self.inst.ctl("config", "-e", f"alias_maps={spec}")
        self.inst.start()
        r = self.inst.sendmail("Team", message=b"Subject: hash-alias\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        for user in ("alice", "bob"):
            self.inst.wait_for(lambda u=user: self.find(u, b"Subject: hash-alias"), what=f"delivery to {user}")

    def test_unreadable_alias_table_defers(self):
        self.inst.ctl("config", "-e", f"alias_maps=hash:{self.inst.root}/no-such-aliases")
        self.inst.start()
        r = self.inst.sendmail("alice", message=b"Subject: deferred\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: "4.3.0" in self.inst.log(), what="a 4.3.0 deferral")
        self.assertNotIn("status=bounced", self.inst.log())
        self.assertTrue(self.inst.queue_files(), "the message must stay queued")
        self.assertFalse(self.find("alice", b"Subject: deferred"))


class QmgrTables(WiringCase):
    def test_relocated_user_bounces_516(self):
        spec = self.build("alice alice@new.example\n", "relocated")
        self.inst.ctl("config", "-e", f"relocated_maps={spec}")
        self.inst.start()
        r = self.inst.sendmail("alice", message=b"Subject: moved\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: "5.1.6" in self.inst.log(), what="a 5.1.6 bounce")
        self.assertIn("User has moved to alice@new.example", self.inst.log())
        self.assertFalse(self.find("alice", b"Subject: moved"))

    def test_transport_error_entry_bounces_with_its_code(self):
        spec = self.build("nowhere.example error:5.1.2 no mail for this domain\n", "transport")
        self.inst.ctl("config", "-e", f"transport_maps={spec}")
        self.inst.start()
        r = self.inst.sendmail("bob@nowhere.example", message=b"Subject: err\n\nx\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: "5.1.2" in self.inst.log(), what="a 5.1.2 bounce")
        self.assertIn("no mail for this domain", self.inst.log())


if __name__ == "__main__":
    unittest.main()
