"""nis: tables against a real NIS server (Debian's rpcbind, ypserv, ypbind-mt).

The servers run in private namespaces so the host's NIS domain, rpcbind and
/var/yp are never touched: `unshare --net --mount --uts` gives a loopback-only
network (rpcbind takes port 111 there, not on the host), a tmpfs /run (the
rpcbind socket and pid files), a temporary directory bound over /var/yp (the
maps ypserv serves) and a private domainname for ypbind. Every server and
every postern-map runs in those namespaces through nsenter.

Maps: postern.virtual built by makedbm from "key value" lines, mail.aliases
built by `makedbm -a` from aliases syntax (neither stores a trailing NUL),
and postern.nul whose keys and values end in NUL (as some NIS servers store
them; written with Perl's GDBM_File since makedbm cannot). Stopping ypserv
makes every lookup a temporary failure (exit 75), never "not found".
"""
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

BIN = pathlib.Path(os.environ.get("POSTERN_BIN", pathlib.Path(__file__).resolve().parents[2] / "build" / "bin"))
MAKEDBM = "/usr/lib/yp/makedbm"
DOMAIN = "postern.test"
TOOLS = {"rpcbind": "rpcbind", "rpcinfo": "rpcbind", "ypserv": "ypserv", MAKEDBM: "ypserv",
         "ypbind": "ypbind-mt", "unshare": "util-linux", "nsenter": "util-linux", "ip": "iproute2",
         "perl": "perl"}

VIRTUAL = "alice alice@example.org\nbob@example.com robert@example.net\n"
ALIASES = "# comment\nsales: alice@example.org,\n  bob@example.com\npostmaster: root\n"
NUL_MAP = r"""use GDBM_File;
tie my %h, 'GDBM_File', $ARGV[0], &GDBM_WRCREAT, 0644 or die "$ARGV[0]: $!\n";
$h{"carol\0"} = "carol\@nul.example\0";
$h{"list\0"} = "a\@x,b\@y\0";
$h{"YP_LAST_MODIFIED"} = time;
$h{"YP_MASTER_NAME"} = "localhost";
untie %h;
"""

# Runs as the namespaces' first process: set them up, print its pid for
# nsenter, then live until the test closes stdin. If the test died instead,
# end what it left running in the private network namespace (only there;
# unshare itself, the parent, is in it too).
HOLDER = """set -e
ip link set lo up
mount -t tmpfs -o mode=755 postern-nis /run
mount --bind "$1" /var/yp
domainname "$2"
echo $$
set +e
cat >/dev/null
own=$(readlink /proc/$$/ns/net)
for p in /proc/[0-9]*; do
  pid=${p#/proc/}
  [ "$pid" = $$ ] || [ "$pid" = $PPID ] && continue
  [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$own" ] && kill -9 "$pid" 2>/dev/null
done
exit 0
"""


def missing_tools():
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [f"{t} (package {pkg})" for t, pkg in TOOLS.items() if not shutil.which(t, path=path)]


class NisNamespace:
    """The private namespaces and the three NIS daemons inside them."""

    def __init__(self, root):
        self.root = root
        self.yp = root / "yp"
        (self.yp / DOMAIN).mkdir(parents=True)
        (self.yp / "binding").mkdir()
        (self.yp / "securenets").write_text("255.0.0.0 127.0.0.0\n")
        (root / "yp.conf").write_text(f"domain {DOMAIN} server 127.0.0.1\n")
        self.procs = {}
        self.holder = subprocess.Popen(["unshare", "--net", "--mount", "--uts", "--fork", "--kill-child",
                                        "sh", "-c", HOLDER, "holder", str(self.yp), DOMAIN],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
        line = self.holder.stdout.readline().strip()
        if not line.isdigit():
            self.holder.kill()
            _, err = self.holder.communicate(timeout=10)
            raise AssertionError(f"namespace setup failed: {err.strip()}")
        self.pid = line

    def run(self, argv, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        kw.setdefault("timeout", 20)
        return subprocess.run(self.enter(argv), **kw)

    def enter(self, argv):
        # nsenter execs argv, so a Popen of it has the daemon's own pid.
        return ["nsenter", "-t", self.pid, "--net", "--mount", "--uts", "--", *map(str, argv)]

    def start(self, name, argv, ready):
        log = open(self.root / f"{name}.log", "a")
        self.procs[name] = subprocess.Popen(self.enter(argv), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.procs[name].poll() is not None:
                break
            if ready():
                return
            time.sleep(0.05)
        raise AssertionError(f"{name} did not start: {(self.root / f'{name}.log').read_text()}")

    def rpc_ready(self, program):
        return self.run(["rpcinfo", "-u", "127.0.0.1", program]).returncode == 0

    def start_rpcbind(self):
        self.start("rpcbind", ["rpcbind", "-f"], lambda: self.rpc_ready("portmapper"))

    def start_ypserv(self):
        self.start("ypserv", ["ypserv", "-f"], lambda: self.rpc_ready("ypserv"))

    def start_ypbind(self):
        binding = self.yp / "binding" / f"{DOMAIN}.2"
        for stale in (self.yp / "binding").iterdir():  # left by a stopped ypbind
            stale.unlink()
        self.start("ypbind", ["ypbind", "-n", "-f", self.root / "yp.conf"], binding.exists)

    def stop(self, name, sig=None):
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        if sig is None:
            proc.terminate()
        else:
            proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def close(self):
        for name in ("ypbind", "ypserv", "rpcbind"):
            self.stop(name)
        self.holder.stdin.close()  # the holder's cat exits: the namespaces go away
        try:
            self.holder.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.holder.kill()
            self.holder.wait(timeout=10)
        self.holder.stdout.close()
        self.holder.stderr.close()


@unittest.skipUnless(os.geteuid() == 0, "needs root: namespaces, mounts and rpcbind's port 111")
class NisTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        missing = missing_tools()
        if missing:
            raise AssertionError(f"missing: {', '.join(missing)} (run scripts/install-deps.sh)")
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-nis-"))
        try:
            cls.ns = NisNamespace(cls.dir)
        except BaseException:
            shutil.rmtree(cls.dir)
            raise
        try:
            cls.build_maps()
            cls.conf = cls.dir / "conf"
            cls.conf.mkdir()
            (cls.conf / "main.conf").write_text(f"nis_domain_name = {DOMAIN}\n")
            cls.other = cls.dir / "other"
            cls.other.mkdir()
            (cls.other / "main.conf").write_text("nis_domain_name = unbound.test\n")
            cls.ns.start_rpcbind()
            cls.ns.start_ypserv()
            cls.ns.start_ypbind()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.ns.close()
        shutil.rmtree(cls.dir)

    @classmethod
    def build_maps(cls):
        maps = cls.ns.yp / DOMAIN  # seen inside as /var/yp/DOMAIN
        (cls.dir / "virtual.txt").write_text(VIRTUAL)
        (cls.dir / "aliases.txt").write_text(ALIASES)
        for argv in ([MAKEDBM, cls.dir / "virtual.txt", maps / "postern.virtual"],
                     [MAKEDBM, "-a", cls.dir / "aliases.txt", maps / "mail.aliases"],
                     ["perl", "-e", NUL_MAP, maps / "postern.nul"]):
            r = subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=20)
            if r.returncode != 0:
                raise AssertionError(f"{argv[0]}: {r.stderr.strip()}")

    def pmap(self, *args, conf=True, input=None):
        opts = ["-c", self.conf] if conf else []
        return self.ns.run([BIN / "postern-map", *opts, *args], input=input)

    def assert_found(self, key, spec, value, **kw):
        r = self.pmap("-q", key, spec, **kw)
        self.assertEqual((r.returncode, r.stdout.strip()), (0, value), f"{key} in {spec}: {r.stderr}")

    def assert_not_found(self, key, spec):
        r = self.pmap("-q", key, spec)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (1, "", ""), f"{key} in {spec}")

    def assert_temp_fail(self, key, spec, conf=True):
        r = self.pmap("-q", key, spec, conf=conf)
        self.assertEqual(r.returncode, 75, f"{key} in {spec}: {r.stdout}{r.stderr}")
        self.assertIn(spec, r.stderr)

    def test_makedbm_map_present_and_missing_keys(self):
        self.assert_found("alice", "nis:postern.virtual", "alice@example.org")
        self.assert_found("Bob@Example.COM", "nis:postern.virtual", "robert@example.net")
        self.assert_not_found("carol", "nis:postern.virtual")
        self.assert_not_found("alice@example.org", "nis:postern.virtual")

    def test_makedbm_aliases_map(self):
        self.assert_found("sales", "nis:mail.aliases", "alice@example.org,bob@example.com")
        self.assert_found("POSTMASTER", "nis:mail.aliases", "root")
        self.assert_not_found("nosuch", "nis:mail.aliases")

    def test_keys_with_trailing_nul(self):
        self.assert_found("carol", "nis:postern.nul", "carol@nul.example")
        self.assert_not_found("alice", "nis:postern.nul")
        # one process, one map object: the NUL form, once learnt, keeps working
        r = self.pmap("-q", "-", "nis:postern.nul", input="nosuch\nCarol\nlist\nalice\n")
        self.assertEqual((r.returncode, r.stdout), (0, "Carol\tcarol@nul.example\nlist\ta@x,b@y\n"), r.stderr)

    def test_domain_from_system_when_parameter_empty(self):
        self.assert_found("alice", "nis:postern.virtual", "alice@example.org", conf=False)

    def test_missing_map_and_unbound_domain_are_temp_fail(self):
        self.assert_temp_fail("alice", "nis:no.such.map")
        r = self.ns.run([BIN / "postern-map", "-c", self.other, "-q", "alice", "nis:postern.virtual"])
        self.assertEqual(r.returncode, 75, r.stdout + r.stderr)
        self.assertIn("unbound.test", r.stderr)

    def test_server_down_is_temp_fail_never_not_found(self):
        proc = subprocess.Popen(self.ns.enter([BIN / "postern-map", "-c", self.conf, "-q", "-", "nis:postern.virtual"]),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            proc.stdin.write("alice\n")
            proc.stdin.flush()
            self.assertEqual(proc.stdout.readline(), "alice\talice@example.org\n")
            self.ns.stop("ypserv")  # clean stop: ypserv unregisters from rpcbind
            proc.stdin.write("alice\n")
            proc.stdin.close()
            self.assertEqual(proc.wait(timeout=20), 75)
            self.assertIn("nis:postern.virtual", proc.stderr.read())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        try:
            for key in ("alice", "nosuch"):
                self.assert_temp_fail(key, "nis:postern.virtual")
            self.assert_temp_fail("carol", "nis:postern.nul")
            # Back up: the same lookups answer again.
            self.ns.start_ypserv()
            self.assert_found("alice", "nis:postern.virtual", "alice@example.org")
            # Killed: still registered with rpcbind, its port refuses.
            self.ns.stop("ypserv", sig=signal.SIGKILL)
            self.assert_temp_fail("alice", "nis:postern.virtual")
            self.assert_temp_fail("nosuch", "nis:mail.aliases")
            # Nothing left at all: no ypbind, no rpcbind.
            self.ns.stop("ypbind")
            self.ns.stop("rpcbind")
            self.assert_temp_fail("alice", "nis:postern.virtual")
        finally:
            for name, start in (("rpcbind", self.ns.start_rpcbind), ("ypserv", self.ns.start_ypserv),
                                ("ypbind", self.ns.start_ypbind)):
                if name not in self.ns.procs:
                    start()
        self.assert_found("alice", "nis:postern.virtual", "alice@example.org")


if __name__ == "__main__":
    unittest.main()
