"""postern-migrate against the real sendmail 8.17 tools.

sendmail-bin/-base come from scripts/fetch-sendmail-tools.sh; sendmail-cf
(the m4 macros), which that script does not fetch, is unpacked here the same
way (apt-get download + dpkg -x, never installed). A .cf is built by m4 from
a .mc, the real `sendmail -odq` fills a queue under a scratch --root (run
under `unshare --uts` with a fully qualified host name), then
`postern-migrate plan` and `apply` move it into a user instance, which must
deliver every message with a byte-identical body.
"""
import os
import re
import pathlib
import shutil
import subprocess
import tempfile
import unittest

from postern_instance import BIN, Instance

SOURCE = pathlib.Path(os.environ.get("POSTERN_SOURCE", pathlib.Path(__file__).resolve().parents[2]))


def cache_dir():
    if os.environ.get("POSTERN_SENDMAIL_CACHE"):
        return pathlib.Path(os.environ["POSTERN_SENDMAIL_CACHE"])
    if os.getuid() == 0:
        return pathlib.Path("/var/cache/postern-tests")
    return pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache")) / "postern-tests"


def fetch_tools():
    """(libexec dir with sendmail, cf macro dir) or a reason to skip."""
    r = subprocess.run([str(SOURCE / "scripts" / "fetch-sendmail-tools.sh")], capture_output=True, text=True)
    if r.returncode != 0:
        return None, None, "sendmail tools unavailable: " + r.stderr.strip()
    bindir = pathlib.Path(r.stdout.strip())
    cfroot = cache_dir() / "cf-root"
    cfdir = cfroot / "usr" / "share" / "sendmail" / "cf"
    if not (cfdir / "m4" / "cf.m4").exists():
        work = pathlib.Path(tempfile.mkdtemp(dir=cache_dir()))
        os.chmod(work, 0o755)
        r = subprocess.run(["apt-get", "download", "-qq", "sendmail-cf"], cwd=work, capture_output=True, text=True)
        if r.returncode != 0:
            shutil.rmtree(work)
            return None, None, "sendmail-cf unavailable: " + r.stderr.strip()
        for deb in work.glob("*.deb"):
            subprocess.run(["dpkg", "-x", str(deb), str(cfroot)], check=True)
        shutil.rmtree(work)
    if not shutil.which("m4"):
        return None, None, "m4 not installed"
    return bindir, cfdir, None


HOST_MC = """divert(-1)dnl
# a test host
divert(0)dnl
VERSIONID(`postern-migrate test host')dnl
OSTYPE(`linux')dnl
DOMAIN(`generic')dnl
define(`SMART_HOST', `[relay.example.test]')dnl
define(`confMAX_MESSAGE_SIZE', `10485760')dnl
define(`confDELIVERY_MODE', `queueonly')dnl
define(`confDONT_BLAME_SENDMAIL', `ClassFileInUnsafeDirPath,GroupWritableDirPathSafe,MapInUnsafeDirPath')dnl
FEATURE(`virtusertable')dnl
FEATURE(`mailertable')dnl
FEATURE(`access_db')dnl
MASQUERADE_AS(`example.test')dnl
EXPOSED_USER(`admin')dnl
LOCAL_DOMAIN(`mx.example.test')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
LOCAL_RULE_0
R$* < @ foo . test > $*	$#error $: 550 no foo
"""

MESSAGES = [
    (["-f", "sender@example.org", "-N", "success,failure", "-V", "envid1", "alice@dest.example.test",
      "bob@dest.example.test"],
     b"Subject: two recipients\nTo: alice@dest.example.test\nBcc: bob@dest.example.test\n\n"
     b"body line 1\n\xe9t\xe9 8bit \xff\x01 bytes\n.dot line\n\nend\n"),
    (["-f", "<>", "alice@dest.example.test"], b"Subject: null sender\n\nbounce-like body\n"),
    (["-f", "carol@example.org", "-t"], b"To: bob@dest.example.test\nSubject: from -t\n\n-t body\r\n"),
]


SPLIT_MC = """VERSIONID(`split envelopes')dnl
OSTYPE(`linux')dnl
define(`confDONT_BLAME_SENDMAIL', `ClassFileInUnsafeDirPath,GroupWritableDirPathSafe,MapInUnsafeDirPath')dnl
define(`confMAX_RCPTS_PER_MESSAGE', `50')dnl
define(`confTO_QUEUERETURN', `4d')dnl
define(`confPRIVACY_FLAGS', `authwarnings,novrfy,noexpn')dnl
FEATURE(`nouucp', `reject')dnl
dnl two recipients per envelope: a third makes sendmail split the message
QUEUE_GROUP(`mqueue', `P=/var/spool/mqueue, r=2')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""

ROUTING_MC = """divert(-1)
# a relay with LDAP routing and outgoing rewriting
divert(0)dnl
VERSIONID(`routing host')dnl
OSTYPE(`linux')dnl
DOMAIN(`generic')dnl
define(`confDONT_BLAME_SENDMAIL', `ClassFileInUnsafeDirPath,GroupWritableDirPathSafe,MapInUnsafeDirPath')dnl
define(`confMAX_HOP', `30')dnl
FEATURE(`genericstable')dnl
FEATURE(`domaintable')dnl
FEATURE(`ldap_routing', , `ldap -1 -T<TMPF> -v mailHost -k uid=%0', `bounce')dnl
FEATURE(`redirect')dnl
FEATURE(`use_ct_file')dnl
LDAPROUTE_DOMAIN(`example.test')dnl
GENERICS_DOMAIN(`mx.example.test')dnl
VIRTUSER_DOMAIN_FILE(`-o /etc/mail/virtuser-domains')dnl
LOCAL_USER(`root')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
LOCAL_RULESETS
SLocal_check_mail
R$* < @ spam . test > $*	$#error $: 550 go away
"""


def mc_calls(mc, name):
    """(line, first argument) of each NAME(`arg' ...) call, found independently of postern-migrate."""
    import re
    out = []
    for number, line in enumerate(mc.splitlines(), 1):
        m = re.match(name + r"\(`?([^',)]*)", line)
        if m:
            out.append((number, m.group(1)))
    return out


class MigrateQueueTest(unittest.TestCase):
    def setUp(self):
        self.bindir, self.cfdir, why = fetch_tools()
        if why:
            self.skipTest(why)
        if shutil.which("unshare") is None or os.getuid() != 0:
            self.skipTest("needs root and unshare --uts for a fully qualified host name")
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix="postern-migrate-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.root = self.tmp / "root"
        (self.root / "etc" / "mail").mkdir(parents=True)
        self.queue = self.root / "var" / "spool" / "mqueue"
        self.queue.mkdir(parents=True, mode=0o700)

    def build_cf(self, mc):
        (self.root / "etc" / "mail" / "sendmail.mc").write_text(mc)
        cf = subprocess.run(["m4", f"-D_CF_DIR_={self.cfdir}/", str(self.cfdir / "m4" / "cf.m4"),
                             str(self.root / "etc" / "mail" / "sendmail.mc")], capture_output=True, check=True).stdout
        (self.root / "etc" / "mail" / "sendmail.cf").write_bytes(cf)
        # The copy sendmail runs with puts its queue inside the scratch root.
        run_cf = cf.replace(b"/var/spool/mqueue", bytes(self.queue))
        run_cf = run_cf.replace(b"/etc/mail/", bytes(self.root / "etc" / "mail") + b"/")
        (self.root / "etc" / "mail" / "local-host-names").write_text("# this host\nmx.example.test\nmail.example.test\n")
        (self.tmp / "run.cf").write_bytes(run_cf)
        # The real makemap builds the tables the FEATUREs declare (empty here).
        for table in ("mailertable", "access", "virtusertable"):
            subprocess.run([str(self.bindir / "makemap"), "-C", str(self.tmp / "run.cf"), "hash",
                            str(self.root / "etc" / "mail" / table)], input=b"", check=True, capture_output=True)

    def sendmail(self, args, message):
        queue_run = any(a.startswith("-q") for a in args)
        cmd = [str(self.bindir / "sendmail"), "-C", str(self.tmp / "run.cf"), *([] if queue_run else ["-odq"]), *args]
        script = "hostname mx.example.test && exec \"$@\""
        r = subprocess.run(["unshare", "--uts", "sh", "-c", script, "sh", *cmd], input=message,
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def migrate(self, inst, mode):
        return subprocess.run([str(BIN / "postern-migrate"), mode, "--root", str(self.root), "-c", str(inst.root)],
                              capture_output=True, env=inst.env, timeout=120)

    def test_plan_then_apply_delivers_every_queued_message_byte_exact(self):
        self.build_cf(HOST_MC)
        for args, message in MESSAGES:
            self.sendmail(args, message)
        qfs = sorted(self.queue.glob("qf*"))
        self.assertEqual(len(qfs), len(MESSAGES))
        before = {p.name: p.read_bytes() for p in self.queue.iterdir()}

        inst = Instance(start=False)
        self.addCleanup(inst.close)
        plan = self.migrate(inst, "plan")
        out = plan.stdout.decode()
        self.assertEqual(plan.returncode, 1, out)  # maps and masquerading need a human
        for feature in ("FEATURE(virtusertable)", "FEATURE(mailertable)", "FEATURE(access_db)",
                        "MASQUERADE_AS(example.test)", "EXPOSED_USER(admin)", "LOCAL_DOMAIN(mx.example.test)"):
            self.assertIn(feature, out)
        self.assertRegex(out, r"not converted\t\S+sendmail.cf:\d+\tR\$\* < @ foo \. test >")
        self.assertIn("relayhost = [relay.example.test]", out)
        self.assertIn("message_size_limit = 10485760", out)
        self.assertEqual(out.count("will be queued"), len(MESSAGES))

        for user in ("alice", "bob"):
            (inst.root / "mail" / user).mkdir(parents=True, exist_ok=True)
        applied = self.migrate(inst, "apply")
        self.assertEqual(applied.returncode, 1, applied.stderr)
        self.assertEqual(applied.stdout.decode().count("queued as"), len(MESSAGES))
        conf = (inst.root / "main.conf").read_text()
        self.assertRegex(conf, r"# from \S+sendmail.cf:\d+: DS\[relay.example.test\]\nrelayhost = ")
        again = self.migrate(inst, "apply")
        self.assertEqual(again.stdout.decode().count("already converted"), len(MESSAGES))
        self.assertEqual(len(inst.queue_files("incoming")), len(MESSAGES))
        # The instance delivers dest.example.test itself (sendmail would have
        # relayed it): a test-only change after the conversion.
        inst.ctl("config", "-e", "mydestination=localhost, dest.example.test", "relayhost=")

        inst.start()
        inst.wait_for(lambda: len(inst.messages("alice")) == 2 and len(inst.messages("bob")) == 2, 60,
                      "every migrated message in the Maildirs")
        bodies = [m.split(b"\n\n", 1)[1] for u in ("alice", "bob") for m in inst.messages(u)]
        for _, message in MESSAGES:
            body = message.split(b"\n\n", 1)[1].replace(b"\r\n", b"\n")
            self.assertIn(body, bodies)
        for m in inst.messages("bob"):
            self.assertNotIn(b"Bcc:", m)
        after = {p.name: p.read_bytes() for p in self.queue.iterdir()}
        self.assertEqual(before, after, "sendmail's queue must stay untouched")

    def plan_lists_every_feature(self, mc, out):
        for name in ("FEATURE", "MAILER", "MASQUERADE_AS", "EXPOSED_USER", "LOCAL_DOMAIN", "LOCAL_USER",
                     "VIRTUSER_DOMAIN", "VIRTUSER_DOMAIN_FILE", "GENERICS_DOMAIN", "LDAPROUTE_DOMAIN"):
            for line, arg in mc_calls(mc, name):
                self.assertRegex(out, rf"sendmail.mc:{line}\t{name}\({re.escape(arg)}", f"{name}({arg}) line {line}")

    def test_split_envelopes_sharing_one_df_are_each_delivered(self):
        self.build_cf(SPLIT_MC)
        self.sendmail(["-f", "s@example.org", "alice@dest.example.test", "bob@dest.example.test",
                       "carol@dest.example.test"], b"Subject: split\n\nsplit body \xfe\n")
        dfs = list(self.queue.glob("df*"))
        self.assertEqual(len(list(self.queue.glob("qf*"))), 2)
        self.assertEqual(dfs[0].stat().st_nlink, 2, "sendmail split the envelope over one df")
        inst = Instance(start=False)
        self.addCleanup(inst.close)
        for user in ("alice", "bob", "carol"):
            for sub in ("cur", "new", "tmp"):
                (inst.root / "mail" / user / sub).mkdir(parents=True, exist_ok=True)
        plan = self.migrate(inst, "plan").stdout.decode()
        self.plan_lists_every_feature(SPLIT_MC, plan)
        for expected in ("maximal_queue_lifetime = 345600s", "disable_vrfy_command = yes",
                         "smtpd_recipient_limit = 50"):
            self.assertIn(expected, plan)
        self.assertEqual(self.migrate(inst, "apply").stdout.decode().count("queued as"), 2)
        inst.ctl("config", "-e", "mydestination=localhost, dest.example.test")
        inst.start()
        inst.wait_for(lambda: all(len(inst.messages(u)) == 1 for u in ("alice", "bob", "carol")), 60,
                      "the split message in three Maildirs")
        for u in ("alice", "bob", "carol"):
            self.assertTrue(inst.messages(u)[0].endswith(b"\n\nsplit body \xfe\n"))

    def test_plan_of_a_routing_host_lists_every_feature_and_hand_written_rule(self):
        self.build_cf(ROUTING_MC)
        inst = Instance(start=False)
        self.addCleanup(inst.close)
        r = self.migrate(inst, "plan")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 1, r.stderr)
        self.plan_lists_every_feature(ROUTING_MC, out)
        self.assertIn("hopcount_limit = 30", out)
        self.assertRegex(out, r"not converted\t\S+sendmail.mc:22\tLOCAL_RULESETS: R\$\* < @ spam")
        self.assertRegex(out, r"not converted\t\S+sendmail.cf:\d+\tR\$\* < @ spam \. test > \$\*"
                              r" \$#error \$: 550 go away\thand-written rule in rule set Local_check_mail")
        self.assertRegex(out, r"not converted\t\S+sendmail.cf:\d+\tKldapmra ldap -1 -T<TMPF> -v mailHost -k uid=%0")
        self.assertEqual(self.migrate(inst, "apply").returncode, 1)  # an empty queue; settings only

    def test_quarantined_message_goes_to_hold(self):
        self.build_cf(HOST_MC)
        self.sendmail(MESSAGES[1][0], MESSAGES[1][1])
        qid = next(self.queue.glob("qf*")).name[2:]
        # The real sendmail quarantines it: qf becomes hf with a q record.
        self.sendmail([f"-qI{qid}", "-Qsuspicious"], b"")
        self.assertTrue((self.queue / f"hf{qid}").exists())
        inst = Instance(start=False)
        self.addCleanup(inst.close)
        out = self.migrate(inst, "apply").stdout.decode()
        self.assertIn("quarantined (suspicious): to hold/", out)
        self.assertEqual(len(inst.queue_files("hold")), 1)
        self.assertEqual(inst.queue_files("incoming"), [])

    def test_damaged_and_locked_queue_files_are_left_in_place(self):
        self.build_cf(HOST_MC)
        self.sendmail(MESSAGES[1][0], MESSAGES[1][1])
        qf = next(self.queue.glob("qf*"))
        (self.queue / "qfBROKEN00001").write_bytes(qf.read_bytes()[:-2])
        (self.queue / "dfBROKEN00001").write_bytes(b"x\n")
        inst = Instance(start=False)
        self.addCleanup(inst.close)
        import fcntl
        with open(qf, "rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            out = self.migrate(inst, "apply").stdout.decode()
        self.assertIn("locked by a running sendmail", out)
        self.assertIn("damaged, left in place", out)
        self.assertTrue((self.queue / "qfBROKEN00001").exists())
        self.assertEqual(inst.queue_files("incoming"), [])


def tree(root):
    """Every path under root: kind, mode, link target or bytes."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = pathlib.Path(dirpath) / name
            st = p.lstat()
            if p.is_symlink():
                out[str(p.relative_to(root))] = ("link", os.readlink(p))
            elif p.is_file():
                out[str(p.relative_to(root))] = ("file", st.st_mode, st.st_ino, p.read_bytes())
            else:
                out[str(p.relative_to(root))] = ("dir", st.st_mode)
    return out


class SwitchRollbackTest(unittest.TestCase):
    def test_switch_then_rollback_restores_every_file(self):
        bindir, _, why = fetch_tools()
        if why:
            self.skipTest(why)
        root = pathlib.Path(tempfile.mkdtemp(prefix="postern-migrate-switch-"))
        self.addCleanup(shutil.rmtree, root, True)
        # Debian's layout: the commands are links into /usr/lib/sm.bin.
        (root / "usr" / "lib" / "sm.bin").mkdir(parents=True)
        (root / "usr" / "sbin").mkdir(parents=True)
        (root / "usr" / "bin").mkdir(parents=True)
        shutil.copy2(bindir / "sendmail", root / "usr" / "lib" / "sm.bin" / "sendmail")
        os.symlink("../lib/sm.bin/sendmail", root / "usr" / "sbin" / "sendmail")
        os.symlink("../sbin/sendmail", root / "usr" / "lib" / "sendmail")
        os.symlink("../lib/sm.bin/sendmail", root / "usr" / "bin" / "mailq")
        shutil.copy2(bindir / "newaliases", root / "usr" / "bin" / "newaliases")
        before = tree(root)
        inst = Instance(start=False)
        self.addCleanup(inst.close)
        cmd = [str(BIN / "postern-migrate")]
        r = subprocess.run(cmd + ["switch", "--root", str(root), "-c", str(inst.root), "--no-start"],
                           capture_output=True, env=inst.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for p in ("usr/sbin/sendmail", "usr/lib/sendmail", "usr/bin/mailq", "usr/bin/newaliases"):
            self.assertEqual(os.readlink(root / p), str(BIN / "sendmail"))
        r = subprocess.run(cmd + ["rollback", "--root", str(root)], capture_output=True, env=inst.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        after = tree(root)
        for k in [k for k in after if k.startswith("var")]:
            del after[k]  # postern-migrate's own state directory
        self.assertEqual(before, after)


if __name__ == "__main__":
    unittest.main()
