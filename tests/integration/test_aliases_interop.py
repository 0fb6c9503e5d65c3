"""Alias databases shared with the real tools.

postern's newaliases builds hash: aliases.db files that the real sendmail
8.17 `praliases` (Debian's sendmail-bin, unpacked by
scripts/fetch-sendmail-tools.sh, never installed) reads, with its "@:@"
completion marker; and postern's local delivers through aliases.db files
built by the real sendmail `newaliases` (as root: it needs a fully
qualified host name, given with `unshare --uts`) and by Postfix's
`postalias`, listed together in alias_maps (first table wins). Deliveries
are checked with Python's mailbox module.
"""
import os
import pathlib
import shutil
import subprocess
import unittest

from postern_instance import Instance, require_tool

SOURCE = pathlib.Path(os.environ.get("POSTERN_SOURCE", pathlib.Path(__file__).resolve().parents[2]))

# A minimal sendmail.cf: enough for newaliases to resolve local names.
SENDMAIL_CF = """\
V10
O AliasFile={aliases}
O QueueDirectory={aliases.parent}
O DontBlameSendmail=MapInUnsafeDirPath,TrustStickyBit,GroupWritableDirPathSafe
Djmx.example.test
Mlocal, P=/bin/true, F=lsDFMA, A=true $u
Mprog, P=/bin/sh, F=lsDFM, A=sh -c $u
S0
R$*\t$#local $: $1
"""

ALIASES = """\
# test aliases
Postmaster: alice
MAILER-DAEMON: postmaster
Staff: alice,
  bob
bot: "|/usr/bin/bot a,b", carol
"""


def sendmail_tools():
    r = subprocess.run([str(SOURCE / "scripts" / "fetch-sendmail-tools.sh")], capture_output=True, text=True)
    return pathlib.Path(r.stdout.strip()) if r.returncode == 0 else None


class AliasesInterop(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tools = sendmail_tools()
        cls.inst = Instance(start=False)
        cls.d = cls.inst.root / "tables"
        cls.d.mkdir()
        for user in ("alice", "bob", "carol", "dave"):
            for sub in ("", "/tmp", "/new", "/cur"):
                os.makedirs(str(cls.inst.root / "mail" / user) + sub, mode=0o700, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def real(self, tool, *args, aliases):
        if self.tools is None:
            self.skipTest("sendmail tools unavailable (scripts/fetch-sendmail-tools.sh failed)")
        cf = aliases.parent / (aliases.name + ".cf")
        cf.write_text(SENDMAIL_CF.format(aliases=aliases))
        return subprocess.run([str(self.tools / tool), "-C", str(cf), *args], capture_output=True, text=True,
                              timeout=60)

    def test_real_praliases_reads_postern_newaliases(self):
        src = self.d / "ours"
        src.write_text(ALIASES)
        self.inst.ctl("config", "-e", f"alias_maps=hash:{src}")
        r = self.inst.run("newaliases")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"4 aliases", r.stdout)
        self.assertEqual(oct((self.d / "ours.db").stat().st_mode & 0o777), "0o640")
        r = self.real("praliases", "-f", str(src), aliases=src)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = sorted(line for line in r.stdout.splitlines())
        self.assertEqual(got, sorted(["@:@", "postmaster:alice", "mailer-daemon:postmaster", "staff:alice, bob",
                                      "bot:\"|/usr/bin/bot a,b\", carol"]))

    def test_newaliases_warns_about_missing_postmaster(self):
        src = self.d / "nopm"
        src.write_text("a: b\na: c\n")
        self.inst.ctl("config", "-e", f"alias_maps=hash:{src}")
        r = self.inst.run("newaliases")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{src}:2: duplicate alias a".encode(), r.stderr)
        self.assertIn(b"no alias for postmaster", r.stderr)
        self.assertIn(b"no alias for MAILER-DAEMON", r.stderr)

    def test_local_delivers_through_real_newaliases_and_postalias_tables(self):
        postalias = require_tool("postalias")
        pa = self.d / "pa"
        pa.write_text("pa-list: carol, dave\nsm-list: nobody-wins-here\n")
        pfx = self.d / "postfix"
        pfx.mkdir()
        (pfx / "main.cf").write_text("")
        r = subprocess.run([postalias, "-c", str(pfx), f"hash:{pa}"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        maps = [f"hash:{pa}"]
        sm = self.d / "sm"
        if os.geteuid() == 0 and self.tools is not None and shutil.which("unshare"):
            sm.write_text("SM-List: alice,\n  bob\n")
            cf = self.d / "sm.cf"
            cf.write_text(SENDMAIL_CF.format(aliases=sm))
            r = subprocess.run(["unshare", "--uts", "sh", "-c",
                                f"hostname mx.example.test && exec {self.tools / 'sendmail'} -bi -C {cf}"],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            maps.insert(0, f"hash:{sm}")  # first table wins for sm-list
        self.inst.ctl("config", "-e", "alias_maps=" + ", ".join(maps))
        self.inst.start()
        try:
            for rcpt in ("pa-list", "sm-list") if len(maps) == 2 else ("pa-list",):
                r = self.inst.sendmail("-i", rcpt, message=f"Subject: via-{rcpt}\n\nx\n".encode())
                self.assertEqual(r.returncode, 0, r.stderr)
            want = {"carol": "via-pa-list", "dave": "via-pa-list"}
            if len(maps) == 2:
                want.update({"alice": "via-sm-list", "bob": "via-sm-list"})
            for user, subject in want.items():
                self.inst.wait_for(lambda u=user, s=subject: any(f"Subject: {s}".encode() in m
                                                                 for m in self.inst.messages(u)),
                                   30, f"{subject} for {user}")
            if len(maps) == 1:
                self.skipTest("real newaliases needs root (unshare --uts); postalias part passed")
        finally:
            self.inst.stop()


if __name__ == "__main__":
    unittest.main()
