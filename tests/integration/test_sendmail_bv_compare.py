"""sendmail -bv: postern's answer against the real sendmail 8.17's, on the
same alias file and the same addresses. The real sendmail comes from
Debian's sendmail-bin (scripts/fetch-sendmail-tools.sh, never installed as
the system MTA); its sendmail.cf is built with m4 from Debian's sendmail-cf
macros (downloaded and unpacked here the same way) and points at a
temporary queue and alias file. It runs under its own UTS namespace with a
fully qualified host name, so it neither sleeps nor looks at this host's
mail setup. Both must take the same delivery decision for every address:
mailer local/prog/*file*/esmtp with the same user (and host), or an error."""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

from postern_instance import BIN, Instance

SOURCE = pathlib.Path(os.environ.get("POSTERN_SOURCE", pathlib.Path(__file__).resolve().parents[2]))
HOST = "mx.example.test"

ALIASES = """\
postmaster: root
staff: root, daemon, nobody
list: root, friend@example.org, "|/usr/bin/logger -t list", /var/tmp/list.archive
nested: staff, other@example.net
ghost: nosuchuser
"""
ADDRESSES = ["root", "postmaster", "staff", "list", "nested", "ghost", "nosuchuser", "someone@example.org",
             f"daemon@{HOST}", "Staff"]

MC = """\
divert(0)dnl
OSTYPE(`linux')dnl
define(`ALIAS_FILE', `{dir}/aliases')dnl
define(`QUEUE_DIR', `{dir}/mqueue')dnl
define(`STATUS_FILE', `{dir}/statistics')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath,WorldWritableAliasFile,GroupWritableAliasFile,LinkedAliasFileInWritableDir')dnl
FEATURE(`nouucp', `reject')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""

LINE = re.compile(r"^(?P<addr>.+?)\.\.\. (?:deliverable: mailer (?P<mailer>[^,]+)"
                  r"(?:, host (?P<host>[^,]+))?, user (?P<user>.+)|(?P<error>.+))$")


def decisions(output):
    """The set of delivery decisions in -bv output."""
    out = set()
    for line in output.splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        if m["error"]:
            out.add(("error", m["addr"].lower(), m["error"]))
        else:
            out.add((m["mailer"], (m["host"] or "").lower(), m["user"].lower()))
    return out


def fetch_sendmail_cf(cache):
    """Debian's sendmail-cf m4 macros, unpacked once into cache."""
    cf = cache / "sendmail-cf" / "usr" / "share" / "sendmail" / "cf"
    if (cf / "m4" / "cf.m4").exists():
        return cf
    work = pathlib.Path(tempfile.mkdtemp(dir=cache))
    try:
        os.chmod(work, 0o755)
        r = subprocess.run(["apt-get", "download", "-qq", "sendmail-cf"], cwd=work, capture_output=True)
        if r.returncode != 0:
            return None
        deb = next(work.glob("*.deb"))
        subprocess.run(["dpkg", "-x", str(deb), str(work / "root")], check=True)
        shutil.rmtree(cache / "sendmail-cf", ignore_errors=True)
        (work / "root").rename(cache / "sendmail-cf")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return cf


class VerifyComparison(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tools = None
        if os.geteuid() != 0:
            return  # unshare --uts needs root
        r = subprocess.run([str(SOURCE / "scripts" / "fetch-sendmail-tools.sh")], capture_output=True, text=True)
        if r.returncode != 0:
            return
        cls.tools = pathlib.Path(r.stdout.strip())
        cls.cf_macros = fetch_sendmail_cf(cls.tools.parents[2].parent)
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-bv-"))
        (cls.dir / "mqueue").mkdir()
        (cls.dir / "aliases").write_text(ALIASES)
        # Postern, on the same alias file, with the same local host name and
        # the same local users as the real sendmail sees in /etc/passwd.
        cls.inst = Instance(start=False, settings={"myhostname": HOST,
                                                   "alias_maps": f"texthash:{cls.dir}/aliases"})
        for user in ("root", "daemon", "nobody"):
            for sub in ("cur", "new", "tmp"):
                (cls.inst.root / "mail" / user / sub).mkdir(parents=True, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "inst", None):
            cls.inst.close()
            shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("the real sendmail runs in its own UTS namespace, which needs root")
        if self.tools is None or self.cf_macros is None:
            self.skipTest("sendmail 8.17 tools unavailable (apt-get download failed)")

    def real_sendmail(self, *args):
        cf = self.dir / "sendmail.cf"
        if not cf.exists():
            mc = self.dir / "test.mc"
            mc.write_text(MC.replace("{dir}", str(self.dir)))
            with open(cf, "w") as out:
                subprocess.run(["m4", f"-D_CF_DIR_={self.cf_macros}/", str(self.cf_macros / "m4" / "cf.m4"), str(mc)],
                               stdout=out, check=True)
        cmd = " ".join(["'" + a.replace("'", "'\\''") + "'" for a in (str(self.tools / "sendmail"), "-C", str(cf),
                                                                        *args)])
        return subprocess.run(["unshare", "--uts", "sh", "-c", f"hostname {HOST} && exec {cmd}"],
                              capture_output=True, text=True, timeout=120)

    def postern(self, *args):
        return subprocess.run([str(BIN / "sendmail"), *args], env=self.inst.env, capture_output=True, text=True,
                              timeout=60)

    def test_same_decisions_for_every_address(self):
        r = self.real_sendmail("-bi")
        self.assertEqual(r.returncode, 0, r.stderr)
        for address in ADDRESSES:
            with self.subTest(address):
                real = self.real_sendmail("-bv", address)
                ours = self.postern("-bv", address)
                want, got = decisions(real.stdout), decisions(ours.stdout)
                self.assertTrue(want, f"no decision parsed from sendmail: {real.stdout} {real.stderr}")
                self.assertEqual(got, want, f"\nsendmail 8.17:\n{real.stdout}\npostern:\n{ours.stdout}{ours.stderr}")
                self.assertEqual(ours.returncode, real.returncode, f"exit codes for {address}")

    def test_same_exit_code_for_several_addresses(self):
        self.real_sendmail("-bi")
        real = self.real_sendmail("-bv", "root", "ghost", "someone@example.org")
        ours = self.postern("-bv", "root", "ghost", "someone@example.org")
        self.assertEqual(decisions(ours.stdout), decisions(real.stdout))
        self.assertEqual(ours.returncode, real.returncode)
        self.assertEqual(ours.returncode, 67)


if __name__ == "__main__":
    unittest.main()
