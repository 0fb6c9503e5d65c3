"""A real postern user instance for integration tests.

Each Instance lives in a fresh temporary directory, is created with
`postern-ctl init --user-instance`, started through `postern-ctl start`
(so the real master forks the real daemons) and stopped in cleanup.
Messages are checked with Python's own `mailbox` module, not with
postern code.
"""
import mailbox
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BIN = pathlib.Path(os.environ.get("POSTERN_BIN", pathlib.Path(__file__).resolve().parents[2] / "build" / "bin"))

# Short timers so retries happen within a test's patience.
FAST = {
    "queue_run_delay": "1s",
    "minimal_backoff_time": "1s",
    "maximal_backoff_time": "2s",
    "maildrop_scan_interval": "1s",
    # No client name lookups against the host's resolver: tests that want
    # them point smtpd_dns_servers at their own dnsmasq.
    "smtpd_peername_lookup": "no",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, settings=None, start=True, smtpd_processes=None):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-it-"))
        self.root = self.dir / "inst"
        self.env = dict(os.environ, POSTERN_CONFIG_DIR=str(self.root))
        self.ctl("init", str(self.root), "--user-instance", "--port", str(free_port()))
        merged = dict(FAST, **(settings or {}))
        self.ctl("config", "-e", *[f"{k}={v}" for k, v in merged.items()])
        self.started = False
        if smtpd_processes is not None:
            self.set_smtpd_processes(smtpd_processes)
        if start:
            self.start()

    # --- commands -----------------------------------------------------------------
    def run(self, prog, *args, input=None, check=False, timeout=60):
        return subprocess.run([str(BIN / prog), *args], input=input, env=self.env,
                              capture_output=True, timeout=timeout, check=check)

    def ctl(self, *args, check=True):
        r = self.run("postern-ctl", *args)
        if check and r.returncode != 0:
            raise AssertionError(f"postern-ctl {' '.join(args)} failed ({r.returncode}): "
                                 f"{r.stdout.decode()} {r.stderr.decode()}")
        return r

    def sendmail(self, *args, message=b""):
        return self.run("sendmail", *args, input=message)

    def start(self):
        self.ctl("start")
        self.started = True
        if self.has_smtpd():
            self.wait_for(self.smtp_ready, 30, "smtpd to answer")

    def has_smtpd(self):
        try:
            self.smtp_port()
            return True
        except AssertionError:
            return False

    def smtp_ready(self):
        try:
            with socket.create_connection(("127.0.0.1", self.smtp_port()), timeout=2) as s:
                return s.recv(4).startswith(b"220")
        except OSError:
            return False

    def stop(self):
        if self.started:
            self.ctl("stop", check=False)
            self.started = False

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- inspection ---------------------------------------------------------------
    @property
    def queue(self):
        return self.root / "queue"

    def master_pid(self):
        return int((self.queue / "pid" / "master.pid").read_text().split()[0])

    def service_pids(self):
        """{pid: program name} of master's children."""
        master = self.master_pid()
        out = {}
        for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            comm = text[text.index("(") + 1:text.rindex(")")]
            ppid = int(text[text.rindex(")") + 2:].split()[1])
            if ppid == master:
                out[int(stat.parent.name)] = comm
        return out

    def maildir(self, user):
        return mailbox.Maildir(str(self.root / "mail" / user), factory=None, create=False)

    def messages(self, user):
        """Raw bytes of every message in user's Maildir, via Python's mailbox module."""
        box = self.maildir(user)
        return [box.get_bytes(key) for key in box.keys()]

    def queue_files(self, *subs):
        files = []
        for sub in subs or ("maildrop", "incoming", "active", "deferred", "hold"):
            d = self.queue / sub
            if d.exists():
                files += [p for p in d.rglob("*") if p.is_file() and not p.name.startswith(".")]
        return files

    def log(self):
        p = self.root / "log" / "maillog"
        return p.read_text(errors="replace") if p.exists() else ""

    def wait_for(self, predicate, timeout=60, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n--- log tail ---\n"
                             + "\n".join(self.log().splitlines()[-40:]))

    # --- SMTP ---------------------------------------------------------------------
    def smtp_port(self):
        """The port of the instance's smtpd line in services.conf."""
        for line in (self.root / "services.conf").read_text().splitlines():
            fields = line.split()
            if len(fields) >= 7 and fields[1] == "inet" and fields[6] == "smtpd" and not line.startswith("#"):
                return int(fields[0].rsplit(":", 1)[1])
        raise AssertionError("no smtpd service in services.conf (is build/bin/smtpd built?)")

    def set_smtpd_processes(self, count):
        """Run COUNT smtpd processes (per-process limits are exact with one)."""
        path = self.root / "services.conf"
        lines = []
        for line in path.read_text().splitlines():
            fields = line.split()
            if len(fields) >= 7 and fields[1] == "inet" and fields[6] == "smtpd" and not line.startswith("#"):
                fields[5] = str(count)
                line = " ".join(fields)
            lines.append(line)
        path.write_text("\n".join(lines) + "\n")

    def wait_queue_empty(self, timeout=60):
        self.wait_for(lambda: not self.queue_files(), timeout, "an empty queue")


def require_tool(name):
    """The path of an external test peer; a missing one fails the test loudly
    (install it with scripts/install-deps.sh), never skips it."""
    path = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}")
                                       if os.access(p, os.X_OK)), None)
    if not path:
        raise AssertionError(f"{name} is not installed: run scripts/install-deps.sh")
    return path


def split_message(raw):
    """(header bytes, body bytes) of a raw LF message."""
    head, sep, body = raw.partition(b"\n\n")
    return head, body
