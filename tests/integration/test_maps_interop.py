"""Berkeley DB interoperability with the real tools.

.db files made by sendmail's makemap (Debian's sendmail-bin, unpacked by
scripts/fetch-sendmail-tools.sh, never installed) and by Postfix's postmap
are read by postern-map; files written by postern-map and postern's makemap
are read back by the real `makemap -u` and `postmap -s`.
"""
import os
import pathlib
import shutil
import subprocess
import tempfile
import unittest

BIN = pathlib.Path(os.environ.get("POSTERN_BIN", pathlib.Path(__file__).resolve().parents[2] / "build" / "bin"))
SOURCE = pathlib.Path(os.environ.get("POSTERN_SOURCE", pathlib.Path(__file__).resolve().parents[2]))

TABLE = "Alice alice@example.org\nbob@example.com robert@example.net\nlist a@x, b@y\n"
EXPECTED = {"alice": "alice@example.org", "bob@example.com": "robert@example.net", "list": "a@x, b@y"}


def sendmail_tools():
    r = subprocess.run([str(SOURCE / "scripts" / "fetch-sendmail-tools.sh")], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return pathlib.Path(r.stdout.strip())


class Interop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tools = sendmail_tools()
        cls.postmap = shutil.which("postmap") or ("/usr/sbin/postmap" if os.path.exists("/usr/sbin/postmap") else None)

    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-maps-"))
        self.cf = self.dir / "sendmail.cf"
        self.cf.write_text("")
        self.pfx = self.dir / "postfix"
        self.pfx.mkdir()
        (self.pfx / "main.cf").write_text("")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_tool(self, argv, input=None):
        return subprocess.run([str(a) for a in argv], input=input, capture_output=True, text=True, cwd=self.dir)

    def pmap(self, *args, input=None):
        return self.run_tool([BIN / "postern-map", *args], input=input)

    def assert_postern_reads(self, spec):
        for key, value in EXPECTED.items():
            r = self.pmap("-q", key.upper(), spec)
            self.assertEqual(r.returncode, 0, f"{spec} {key}: {r.stderr}")
            self.assertEqual(r.stdout.strip(), value)
        self.assertEqual(self.pmap("-q", "nosuch", spec).returncode, 1)

    def real_makemap(self, *args, input=None):
        if self.tools is None:
            self.skipTest("sendmail tools unavailable (scripts/fetch-sendmail-tools.sh failed)")
        return self.run_tool([self.tools / "makemap", "-C", self.cf, *args], input=input)

    def real_postmap(self, *args):
        if self.postmap is None:
            self.skipTest("postfix's postmap is not installed")
        return self.run_tool([self.postmap, "-c", self.pfx, *args])

    def test_reads_real_makemap_tables_with_and_without_nul(self):
        for kind in ("hash", "btree"):
            for nul in ([], ["-N"]):
                name = self.dir / f"mm-{kind}{'-n' if nul else ''}"
                r = self.real_makemap(*nul, kind, name, input=TABLE.replace("list a@x, b@y", "list a@x,b@y"))
                self.assertEqual(r.returncode, 0, r.stderr)
                r = self.pmap("-q", "list", f"{kind}:{name}")
                self.assertEqual(r.stdout.strip(), "a@x,b@y")
                self.assertEqual(self.pmap("-q", "ALICE", f"{kind}:{name}").stdout.strip(), "alice@example.org")

    def test_reads_real_postmap_tables(self):
        for kind in ("hash", "btree"):
            src = self.dir / f"pm-{kind}"
            src.write_text(TABLE)
            r = self.real_postmap(f"{kind}:{src}")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assert_postern_reads(f"{kind}:{src}")

    def test_postern_tables_read_by_real_makemap_and_postmap(self):
        src = self.dir / "ours"
        src.write_text(TABLE)
        self.assertEqual(self.pmap("hash:" + str(src)).returncode, 0)
        r = self.real_postmap("-s", f"hash:{src}")
        self.assertEqual(r.returncode, 0, r.stderr)
        got = dict(line.split("\t", 1) for line in r.stdout.splitlines())
        self.assertEqual(got, EXPECTED)
        # makemap -u shows what is stored; postern-map wrote NULs as postmap does,
        # makemap -u strips them.
        r = self.real_makemap("-u", "hash", src)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = dict(line.split("\t", 1) for line in r.stdout.splitlines())
        self.assertEqual({k.rstrip("\0"): v.rstrip("\0") for k, v in got.items()}, EXPECTED)

    def test_postern_makemap_matches_the_real_one(self):
        text = "Key1 value one\nkey2 v2\nkey1 dup\n"
        ours = self.run_tool([BIN / "makemap", "hash", self.dir / "ours"], input=text)
        theirs = self.real_makemap("hash", self.dir / "theirs", input=text)
        self.assertEqual(ours.returncode, 65)
        self.assertEqual(theirs.returncode, 65)
        dump_ours = sorted(self.real_makemap("-u", "hash", self.dir / "ours").stdout.splitlines())
        dump_theirs = sorted(self.real_makemap("-u", "hash", self.dir / "theirs").stdout.splitlines())
        self.assertEqual(dump_ours, dump_theirs)
        self.assertEqual(dump_ours, ["key1\tvalue one", "key2\tv2"])
        # And the raw bytes agree: no NUL without -N.
        r = subprocess.run(["db5.3_dump", "-p", str(self.dir / "ours.db")], capture_output=True, text=True)
        if r.returncode == 0:
            self.assertNotIn("\\00", r.stdout)
        r = self.run_tool([BIN / "makemap", "-r", "-N", "hash", self.dir / "ours"], input=text)
        self.assertEqual(r.returncode, 0)
        self.assertIn("key1\tdup", self.real_makemap("-u", "hash", self.dir / "ours").stdout)

    def test_praliases_reads_the_same_as_the_real_one(self):
        src = self.dir / "aliases"
        src.write_text("root admin@example.org\npostmaster root\n")
        self.assertEqual(self.pmap("hash:" + str(src)).returncode, 0)
        ours = self.run_tool([BIN / "praliases", "-f", src])
        self.assertEqual(ours.returncode, 0, ours.stderr)
        if self.tools is None:
            self.skipTest("sendmail tools unavailable")
        theirs = self.run_tool([self.tools / "praliases", "-C", self.cf, "-f", src])
        self.assertEqual(sorted(ours.stdout.splitlines()), sorted(theirs.stdout.splitlines()))
        ours = self.run_tool([BIN / "praliases", "-f", src, "root", "nosuch"])
        self.assertEqual(ours.stdout.splitlines(), ["root:admin@example.org", "nosuch: No such key"])

    def test_delete_and_dump(self):
        src = self.dir / "t"
        src.write_text(TABLE)
        self.assertEqual(self.pmap("btree:" + str(src)).returncode, 0)
        self.assertEqual(self.pmap("-d", "alice", "btree:" + str(src)).returncode, 0)
        self.assertEqual(self.pmap("-d", "alice", "btree:" + str(src)).returncode, 1)
        r = self.pmap("-s", "btree:" + str(src))
        self.assertNotIn("alice", r.stdout)
        self.assertIn("bob@example.com\trobert@example.net", r.stdout)
        if self.postmap:
            self.assertEqual(self.real_postmap("-q", "bob@example.com", f"btree:{src}").stdout.strip(),
                             "robert@example.net")

    def test_corrupt_db_is_a_temporary_failure_naming_the_file(self):
        bad = self.dir / "bad.db"
        bad.write_bytes(b"\x00garbage" * 1000)
        r = self.pmap("-q", "x", f"hash:{self.dir / 'bad'}")
        self.assertEqual(r.returncode, 75)
        self.assertIn(str(bad), r.stderr)


if __name__ == "__main__":
    unittest.main()
