"""A privilege-separated system instance for the root-only tests: a
temporary tree with its own queue, a Debian-style mail spool (root:mail
2775, so dot-locks work as on a real host), set-gid copies of postdrop and
sendmail, and the postern user and postdrop group made by `postern-ctl
setup-system` - removed again by close() when this fixture created them."""
import grp
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile
import time

from postern_instance import BIN


def exists_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def exists_group(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


class SystemInstance:
    def __init__(self, prefix):
        self.had_postern = exists_user("postern")
        self.had_postdrop = exists_group("postdrop")
        self.t = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
        os.chmod(self.t, 0o755)
        (self.t / "bin").mkdir()
        for prog in ("postdrop", "sendmail"):
            shutil.copy2(BIN / prog, self.t / "bin" / prog)
        self.spool = self.t / "spool"
        self.spool.mkdir()
        os.chown(self.spool, 0, grp.getgrnam("mail").gr_gid)
        os.chmod(self.spool, 0o2775)  # Debian's /var/mail: root:mail, group-writable for dot-locks
        self.conf = self.t / "etc"
        self.env = dict(os.environ, POSTERN_CONFIG_DIR=str(self.conf))
        self.started = False

    def start(self, aliases, alias_type="texthash"):
        """Write the aliases and main.conf (mbox delivery into the spool), build
        a hash: alias table with postern's newaliases, set up and start."""
        t = self.t
        (t / "aliases").write_text(aliases)
        self.conf.mkdir()
        (self.conf / "main.conf").write_text(f"""\
queue_directory = {t}/queue
data_directory = {t}/data
daemon_directory = {BIN}
command_directory = {t}/bin
mail_spool_directory = {self.spool}
mailbox_format = mbox
alias_maps = {alias_type}:{t}/aliases
myhostname = mx.example.test
mydestination = $myhostname, localhost
maillog_file = {t}/maillog
default_process_limit = 4
maildrop_scan_interval = 1s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
""")
        (t / "maillog").touch()
        if alias_type != "texthash":
            r = subprocess.run([str(BIN / "newaliases")], env=self.env, capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stderr
        self.ctl("setup-system")
        os.chown(t / "maillog", pwd.getpwnam("postern").pw_uid, 0)
        self.ctl("start")
        self.started = True

    def ctl(self, *args, check=True):
        r = subprocess.run([str(BIN / "postern-ctl"), *args], env=self.env, capture_output=True, timeout=60)
        if check and r.returncode:
            raise AssertionError(f"postern-ctl {args}: {r.stdout.decode()} {r.stderr.decode()}")
        return r

    def log(self):
        p = self.t / "maillog"
        return p.read_text(errors="replace") if p.exists() else ""

    def wait_for(self, pred, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(self.log().splitlines()[-30:]))

    def close(self):
        if self.started:
            self.ctl("stop", check=False)
        shutil.rmtree(self.t, ignore_errors=True)
        if not self.had_postern:
            subprocess.run(["userdel", "postern"], capture_output=True)
        if not self.had_postdrop and exists_group("postdrop"):
            subprocess.run(["groupdel", "postdrop"], capture_output=True)
        if not self.had_postern and exists_group("postern"):
            subprocess.run(["groupdel", "postern"], capture_output=True)
