"""postern-migrate's table conversion, checked against the real sendmail 8.17.

The sendmail side is built by the real tools (scripts/fetch-sendmail-tools.sh,
never installed): a .cf from m4, every table's .db by the real `makemap`, the
alias database by the real `newaliases` (sendmail -bi). For a set of
addresses the answer of the real sendmail (`-bv` for virtusertable, aliases
and mailertable; `-bt` rule set runs for genericstable, domaintable and
access) is compared with what postern's converted tables answer through
`postern-map -x` (the table semantics the daemons use) or, for aliases, with
real delivery into Maildirs read by Python's `mailbox`.
"""
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import unittest

from postern_instance import BIN, Instance
from test_migrate import fetch_tools, tree

MAPS_MC = """VERSIONID(`maps host')dnl
OSTYPE(`linux')dnl
define(`confDONT_BLAME_SENDMAIL', `ClassFileInUnsafeDirPath,GroupWritableDirPathSafe,MapInUnsafeDirPath,GroupWritableAliasFile,GroupReadableKeyFile')dnl
define(`ALIAS_FILE', `/etc/mail/aliases')dnl
FEATURE(`nocanonify')dnl
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`virtusertable')dnl
FEATURE(`mailertable')dnl
FEATURE(`genericstable')dnl
FEATURE(`domaintable')dnl
FEATURE(`access_db')dnl
VIRTUSER_DOMAIN(`virt.example.test')dnl
GENERICS_DOMAIN(`mx.example.test')dnl
LOCAL_DOMAIN(`mx.example.test')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""

TABLES = {
    "virtusertable": "info@virt.example.test\troot\n"
                     "sales@virt.example.test\tbob@dest.example.test\n"
                     "@virt.example.test\t%1@catchall.example.test\n"
                     "old@virt.example.test\terror:nouser User has moved\n"
                     "eve+*@virt.example.test\teve@lists.example.test\n"
                     "x@foreign.example.test\troot\n"
                     "pm@mx.example.test\tpostmaster\n",
    "mailertable": "example.org\tesmtp:[mx.example.org]\n"
                   ".sub.example.org\trelay:gw.example.org\n"
                   "bad.example.org\terror:5.7.1:550 not here\n"
                   ".\tsmtp:[smart.example.org]\n",
    "genericstable": "alice@mx.example.test\talice.smith@example.test\n"
                     "bob\tbob.jones@example.test\n",
    "domaintable": "old.example.test\tnew.example.test\n",
    "access": "Connect:192.0.2\tREJECT\n"
              "From:spammer@example.org\tREJECT\n"
              "From:junk.example\tERROR:\"550 5.7.1 no junk\"\n"
              "To:abuse@mx.example.test\tOK\n"
              "noise.example\tDISCARD\n",
}
# daemon, bin and nobody exist in every passwd, so the real sendmail -bv
# accepts them as local users.
ALIASES = ("postmaster: root\n"
           "support: daemon, bin\n"
           "team: support, nobody\n"
           "remote: alice@dest.example.test,\n\tbob@dest.example.test\n")


class MigrateMapsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bindir, cls.cfdir, why = fetch_tools()
        cls.skip = why
        if why:
            return
        if shutil.which("unshare") is None or os.getuid() != 0:
            cls.skip = "needs root and unshare --uts for a fully qualified host name"
            return
        cls.tmp = pathlib.Path(tempfile.mkdtemp(prefix="postern-migrate-maps-"))
        cls.root = cls.tmp / "root"
        mail = cls.root / "etc" / "mail"
        mail.mkdir(parents=True)
        (cls.root / "var" / "spool" / "mqueue").mkdir(parents=True, mode=0o700)
        (mail / "sendmail.mc").write_text(MAPS_MC)
        cf = subprocess.run(["m4", f"-D_CF_DIR_={cls.cfdir}/", str(cls.cfdir / "m4" / "cf.m4"), str(mail / "sendmail.mc")],
                            capture_output=True, check=True).stdout
        (mail / "sendmail.cf").write_bytes(cf)
        run_cf = cf.replace(b"/etc/mail/", bytes(mail) + b"/").replace(b"/var/spool/mqueue",
                                                                        bytes(cls.root / "var" / "spool" / "mqueue"))
        cls.run_cf = cls.tmp / "run.cf"
        cls.run_cf.write_bytes(run_cf)
        for name, text in TABLES.items():
            (mail / name).write_text(text)
            subprocess.run([str(cls.bindir / "makemap"), "-C", str(cls.run_cf), "hash", str(mail / name)],
                           input=text.encode(), check=True, capture_output=True)
        (mail / "aliases").write_text(ALIASES)
        cls.real(["-bi"])
        cls.before = tree(cls.root)

        cls.inst = Instance(start=False)
        plan = cls.migrate("plan")
        cls.plan_out = plan.stdout.decode()
        cls.after_plan = sorted(p.name for p in cls.inst.root.iterdir())
        cls.applied = cls.migrate("apply")

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "inst", None):
            cls.inst.close()
        if getattr(cls, "tmp", None):
            shutil.rmtree(cls.tmp, True)

    def setUp(self):
        if self.skip:
            self.skipTest(self.skip)

    # --- the two sides ------------------------------------------------------------
    @classmethod
    def real(cls, args, stdin=b""):
        """The real sendmail with the test cf, under a fully qualified host name."""
        cmd = [str(cls.bindir / "sendmail"), "-C", str(cls.run_cf), *args]
        script = "hostname mx.example.test && exec \"$@\""
        return subprocess.run(["unshare", "--uts", "sh", "-c", script, "sh", *cmd], input=stdin,
                              capture_output=True, timeout=60)

    @classmethod
    def migrate(cls, mode):
        return subprocess.run([str(BIN / "postern-migrate"), mode, "--root", str(cls.root), "-c", str(cls.inst.root)],
                              capture_output=True, env=cls.inst.env, timeout=120)

    def sendmail_verdicts(self, address):
        """-bv for one address: [(mailer, host, user)] or [('error', text)]."""
        out = self.real(["-bv", address]).stdout.decode()
        verdicts = []
        for line in out.splitlines():
            m = re.match(r"(.*)\.\.\. deliverable: mailer (\S+),(?: host (\S+),)? user (.*)$", line)
            if m:
                verdicts.append((m.group(2), (m.group(3) or "").rstrip("."), m.group(4)))
            elif "... " in line:
                verdicts.append(("error", line.split("... ", 1)[1]))
        self.assertTrue(verdicts, out)
        return verdicts

    def rule(self, lines):
        """Run -bt lines; the 'returns:' value of each top-level rule set call or /try."""
        out = self.real(["-bt"], "\n".join(lines).encode() + b"\n").stdout.decode()
        return re.findall(r"^(?:Rcode = \d+, addr = (.*)|(?:check_mail|check_rcpt)\s+returns: (.*))$", out, re.M)

    def postern(self, kind, address, table):
        spec = f"hash:{self.inst.root}/sendmail/{table}"
        r = subprocess.run([str(BIN / "postern-map"), "-c", str(self.inst.root), "-x", kind, "-q", address, spec],
                           capture_output=True, env=self.inst.env)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r.stdout.decode().strip()

    def ensure_started(self):
        if not self.inst.started:
            self.inst.start()

    # --- plan and apply -------------------------------------------------------------
    def test_plan_writes_nothing_and_reports_each_entry_with_its_line(self):
        self.assertNotIn("sendmail", self.after_plan, "plan must not write tables")
        self.assertRegex(self.plan_out, r"not converted\t\S+/etc/mail/virtusertable:6\tvirtusertable "
                                        r"x@foreign.example.test root\t.*never looks this key up")
        self.assertRegex(self.plan_out, r"converted with a note\t\S+/etc/mail/virtusertable:5\tvirtusertable eve\+\*@")
        for setting in ("virtual_alias_maps", "transport_maps", "sender_canonical_maps", "canonical_maps"):
            self.assertIn(f"{setting} = hash:{self.inst.root}/sendmail/", self.plan_out)

    def test_apply_writes_the_tables_and_main_conf_and_leaves_sendmail_untouched(self):
        out = self.applied.stdout.decode()
        self.assertIn(self.applied.returncode, (0, 1), self.applied.stderr)
        self.assertRegex(out, r"5 entries written to hash:\S+/sendmail/virtual and checked")
        conf = (self.inst.root / "main.conf").read_text()
        self.assertRegex(conf, r"# from \S+sendmail.cf:\d+: Kvirtuser hash /etc/mail/virtusertable\n"
                               r"virtual_alias_maps = hash:")
        self.assertIn(f"alias_maps = hash:{self.inst.root}/sendmail/aliases", conf)
        self.assertEqual(self.before, tree(self.root))

    # --- equivalence ------------------------------------------------------------------
    def test_virtusertable_answers_as_sendmail_does(self):
        for address in ("info@virt.example.test", "sales@virt.example.test", "bob@virt.example.test",
                        "eve+lists@virt.example.test", "pm@mx.example.test"):
            with self.subTest(address=address):
                users = [v[2] for v in self.sendmail_verdicts(address) if v[0] != "error"]
                got = self.postern("virtual", address, "virtual").splitlines()
                if address == "pm@mx.example.test":  # sendmail -bv goes on through aliases
                    self.assertEqual(got, ["postmaster"])
                    self.assertEqual(users, ["root"])
                    continue
                self.assertEqual(got, users)
        # error: entries become transport_maps errors with sendmail's text.
        sendmail_error = self.sendmail_verdicts("old@virt.example.test")
        self.assertEqual(sendmail_error, [("error", "User has moved")])
        self.assertEqual(self.postern("transport", "old@virt.example.test", "transport"),
                         "error:5.1.1 User has moved")
        # A key sendmail never looks up is not converted.
        self.assertEqual(self.postern("virtual", "x@foreign.example.test", "virtual"), "x@foreign.example.test")

    def test_mailertable_routes_as_sendmail_does(self):
        for address in ("u@example.org", "u@a.sub.example.org", "u@else.test"):
            with self.subTest(address=address):
                (mailer, host, _), = self.sendmail_verdicts(address)
                self.assertIn(mailer, ("esmtp", "smtp", "relay"))
                self.assertEqual(self.postern("transport", address, "transport"), f"smtp:{host}")
        self.assertEqual(self.sendmail_verdicts("u@bad.example.org"), [("error", "not here")])
        self.assertEqual(self.postern("transport", "u@bad.example.org", "transport"), "error:5.7.1 not here")
        # sendmail delivers class w before mailertable; postern keeps it local.
        self.assertEqual(self.postern("transport", "u@mx.example.test", "transport"), "local:")

    def test_genericstable_and_domaintable_rewrite_as_sendmail_does(self):
        senders = ["alice@mx.example.test", "bob@mx.example.test", "carol@mx.example.test"]
        lines = ["/tryflags HS"] + [f"/try esmtp {a}" for a in senders]
        real = [m[0] for m in self.rule(lines)]
        ours = [self.postern("canonical", a, "sender_canonical") for a in senders]
        self.assertEqual(real, ["alice.smith@example.test", "bob.jones@example.test", "carol@mx.example.test"])
        self.assertEqual(ours, real)
        real = [m[0] for m in self.rule(["/tryflags HR", "/try esmtp u@old.example.test"])]
        self.assertEqual(real, ["u@new.example.test"])
        self.assertEqual(self.postern("canonical", "u@old.example.test", "canonical"), real[0])

    def test_access_answers_as_sendmail_does(self):
        cases = [("check_mail", "spammer@example.org", "sender_access", "550 5.7.1 Access denied"),
                 ("check_mail", "a@junk.example", "sender_access", "550 5.7.1 no junk"),
                 ("check_mail", "x@noise.example", "sender_access", "DISCARD"),
                 ("check_rcpt", "abuse@mx.example.test", "recipient_access", "OK")]
        real = [m[1] for m in self.rule([f"{rs} {a}" for rs, a, _, _ in cases])]
        self.assertEqual(len(real), len(cases), real)
        for (rs, address, table, want), verdict in zip(cases, real):
            with self.subTest(address=address):
                ours = self.postern("access-address", address, table)
                if want[0].isdigit():  # sendmail: $# error $@ 5.7.1 $: "550 text"
                    self.assertIn("$# error", verdict)
                    self.assertIn(want.split(" ", 2)[2], verdict)
                    self.assertIn(f"REPLY {want} ", ours)
                elif want == "DISCARD":
                    self.assertIn("$# discard", verdict)
                    self.assertTrue(ours.startswith("DISCARD"), ours)
                else:
                    self.assertIn(verdict.strip(), ("OK", "RELAY"))
                    self.assertTrue(ours.startswith("OK"), ours)
        # Connect: keys are client networks, as sendmail's are.
        self.assertIn("550 5.7.1 Access denied", self.postern("access-client", "192.0.2.7", "client_access"))
        self.assertEqual(self.postern("access-client", "198.51.100.7", "client_access"), "")

    def test_aliases_answer_as_praliases_says(self):
        real = subprocess.run([str(self.bindir / "praliases"), "-C", str(self.run_cf)], capture_output=True,
                              check=True).stdout.decode()
        entries = dict(line.split(":", 1) for line in real.splitlines() if line and line != "@:@")
        self.assertEqual(set(entries), {"postmaster", "support", "team", "remote"})
        spec = f"hash:{self.inst.root}/sendmail/aliases"
        for name, value in entries.items():
            with self.subTest(alias=name):
                r = subprocess.run([str(BIN / "postern-map"), "-q", name, spec], capture_output=True)
                want = [t.strip() for t in value.split(",")]
                self.assertEqual([t.strip() for t in r.stdout.decode().strip().split(",")], want)

    def deliver(self, address, users, body):
        """Send body to address through the instance; each of users' Maildirs gets it once."""
        for user in users:
            for sub in ("cur", "new", "tmp"):
                (self.inst.root / "mail" / user / sub).mkdir(parents=True, exist_ok=True)
        self.ensure_started()
        r = self.inst.run("sendmail", "-f", "sender@example.org", address, input=b"Subject: test\n\n" + body)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.inst.wait_for(lambda: all(len(self.inst.messages(u)) == 1 for u in users), 60,
                           f"mail to {address} in the Maildirs of {users}")
        for u in users:
            self.assertTrue(self.inst.messages(u)[0].endswith(b"\n\n" + body))

    def test_mail_to_a_virtual_address_is_delivered_where_sendmail_would(self):
        (mailer, _, user), = self.sendmail_verdicts("info@virt.example.test")
        self.assertEqual((mailer, user), ("local", "root"))
        self.deliver("info@virt.example.test", [user], b"migrated virtual address\n")

    def test_mail_to_an_alias_is_delivered_where_sendmail_would_then_switch_and_rollback_restore(self):
        local = sorted(v[2] for v in self.sendmail_verdicts("team"))
        self.assertEqual(local, ["bin", "daemon", "nobody"])
        self.deliver("team@mx.example.test", local, b"migrated alias\n")
        # switch then rollback in the copied tree restores every file. The
        # tree is laid out as Debian's sendmail-bin installs it, so switch
        # diverts the package's files with dpkg-divert.
        for d in ("usr/sbin", "usr/lib/sm.bin", "usr/bin", "var/lib/dpkg/info"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        shutil.copy2(self.bindir / "sendmail", self.root / "usr" / "lib" / "sm.bin" / "sendmail")
        os.symlink("../lib/sm.bin/sendmail", self.root / "usr" / "sbin" / "sendmail")
        os.symlink("../sbin/sendmail", self.root / "usr" / "lib" / "sendmail")
        for cmd in ("mailq", "newaliases"):
            os.symlink("../lib/sm.bin/sendmail", self.root / "usr" / "bin" / cmd)
        paths = ["/usr/sbin/sendmail", "/usr/lib/sendmail", "/usr/bin/mailq", "/usr/bin/newaliases"]
        (self.root / "var/lib/dpkg/info/sendmail-bin.list").write_text("/.\n" + "\n".join(paths) + "\n")
        (self.root / "var/lib/dpkg/diversions").write_text("")
        before = tree(self.root)
        cmd = [str(BIN / "postern-migrate")]
        r = subprocess.run(cmd + ["switch", "--root", str(self.root), "-c", str(self.inst.root), "--no-start"],
                           capture_output=True, env=self.inst.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        diversions = subprocess.run(["dpkg-divert", "--root", str(self.root), "--list", "postern"],
                                    capture_output=True, text=True).stdout
        for p in paths:
            self.assertIn(f"diversion of {p} to {p}.sendmail by postern", diversions)
            self.assertEqual(os.readlink(self.root / p.lstrip("/")), str(BIN / "sendmail"))
        r = subprocess.run(cmd + ["rollback", "--root", str(self.root)], capture_output=True, env=self.inst.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        after = {k: v for k, v in tree(self.root).items() if not k.startswith("var/lib")}
        self.assertEqual({k: v for k, v in before.items() if not k.startswith("var/lib")}, after)


if __name__ == "__main__":
    unittest.main()
