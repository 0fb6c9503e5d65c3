"""Real network peers for the SMTP client tests, on loopback only.

DnsServer runs Debian's dnsmasq in the foreground on 127.0.0.1:PORT with
only the records a test gives it (no /etc/hosts, no upstream servers;
names under the test zones that it does not know are NXDOMAIN).
SmtpSink runs Postfix's smtp-sink on 127.0.0.N:PORT (Linux routes all of
127/8 to lo), dumping every accepted transaction into a directory; it can
soft- or hard-reject a command. Both are stopped by stop() (tests call it
in tearDown / addCleanup).
"""
import email
import os
import pathlib
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from postern_instance import require_tool


def free_port(host="127.0.0.1", kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_dns_port():
    """A port free for both UDP and TCP on 127.0.0.1."""
    for _ in range(50):
        port = free_port()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                u.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
    raise AssertionError("no free port for dnsmasq")


def _stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc and proc.stderr:
        proc.stderr.close()


class DnsServer:
    """dnsmasq answering for zones: mx=[(domain, host, pref)], hosts={name: addr}."""

    def __init__(self, mx=(), hosts=None, zones=("test",)):
        self.port = free_dns_port()
        args = [require_tool("dnsmasq"), "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--no-poll", f"--port={self.port}", "--listen-address=127.0.0.1",
                "--bind-interfaces", "--pid-file=", "--user=" + pwd.getpwuid(os.getuid()).pw_name,
                "--log-facility=/dev/null"]
        args += [f"--local=/{z}/" for z in zones]
        args += [f"--mx-host={d},{h},{p}" for d, h, p in mx]
        args += [f"--host-record={n},{a}" for n, a in (hosts or {}).items()]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("dnsmasq exited: " + self.proc.stderr.read().decode(errors="replace"))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("dnsmasq did not start")

    def settings(self):
        return {"smtp_dns_servers": "127.0.0.1", "smtp_dns_port": str(self.port)}

    def stop(self):
        _stop(self.proc)


class SmtpSink:
    """smtp-sink on host:port. hard/soft: commands to reject with 5xx/4xx
    (e.g. "RCPT"); options: extra smtp-sink flags; counters: keep smtp-sink's
    -c counters for sessions()."""

    def __init__(self, host, port, hard=(), soft=(), options=(), counters=False):
        self.host, self.port = host, port
        self.counter_file = None
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-sink-"))
        os.chmod(self.dir, 0o777)
        args = [require_tool("smtp-sink"), "-d", str(self.dir / "%Y%m%d%H%M%S."), "-h", "sink." + host]
        if os.getuid() == 0:
            args += ["-u", "nobody"]
        if hard:
            args += ["-f", ",".join(hard)]
        if soft:
            args += ["-r", ",".join(soft)]
        args += list(options)
        stdout = subprocess.DEVNULL
        if counters:
            args.append("-c")
            self.counter_file = tempfile.TemporaryFile()
            stdout = self.counter_file
        args += [f"{host}:{port}", "64"]
        self.proc = subprocess.Popen(args, stdout=stdout, stderr=subprocess.PIPE)
        try:
            self._wait_ready()
        except AssertionError:
            self.close()
            raise

    def _wait_ready(self):
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("smtp-sink exited: " + self.proc.stderr.read().decode(errors="replace"))
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as s:
                    s.recv(100)
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("smtp-sink did not start")

    def transactions(self):
        """email.message.Message of every dumped transaction (smtp-sink adds X-Mail-Args/X-Rcpt-Args)."""
        out = []
        for p in sorted(self.dir.iterdir()):
            try:
                raw = p.read_bytes()
            except FileNotFoundError:
                continue  # smtp-sink removes the dump of a transaction the client abandoned
            msg = email.message_from_bytes(raw)
            out.append(msg)
        return out

    def recipients(self):
        rcpts = []
        for msg in self.transactions():
            for v in msg.get_all("X-Rcpt-Args", []):
                rcpts.append(v.split()[0].strip("<>"))
        return rcpts

    def counter(self, name):
        """The last value smtp-sink -c printed for name: "sess" (SMTP
        sessions ended), "quit" (QUIT commands), "mesg" (messages)."""
        self.counter_file.seek(0)
        fields = self.counter_file.read().decode(errors="replace").split()
        prefix = name + "="
        return max([int(f[len(prefix):]) for f in fields if f.startswith(prefix)], default=0)

    def sessions(self):
        return self.counter("sess")

    def stop(self):
        _stop(self.proc)
        if self.counter_file:
            self.counter_file.close()
            self.counter_file = None

    def close(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def make_cert(directory, name):
    """A self-signed certificate for name (PEM cert, PEM key) made with openssl."""
    cert, key = pathlib.Path(directory) / f"{name}.crt", pathlib.Path(directory) / f"{name}.key"
    subprocess.run([require_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


class TlsSmtpServer:
    """A minimal SMTP server in a thread that offers STARTTLS with the given
    certificate; records (tls_active, mail_from, rcpts) per transaction."""

    def __init__(self, host, port, cert, key):
        import ssl
        import threading
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.load_cert_chain(str(cert), str(key))
        self.transactions = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, port))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            try:
                conn.settimeout(10)
                self._session(conn)
            except Exception:  # a broken session (e.g. a failed handshake) ends that session only
                pass
            finally:
                conn.close()

    def _session(self, conn):
        f = conn.makefile("rb")
        tls, mail, rcpts = False, None, []

        def send(text):
            conn.sendall(text.encode())

        send("220 tls.test ESMTP\r\n")
        while True:
            line = f.readline().decode(errors="replace").rstrip("\r\n")
            if not line:
                return
            cmd = line[:4].upper()
            if cmd == "EHLO":
                send("250-tls.test\r\n" + ("" if tls else "250-STARTTLS\r\n") + "250 PIPELINING\r\n")
            elif line.upper() == "STARTTLS":
                send("220 go ahead\r\n")
                conn = self.ctx.wrap_socket(conn, server_side=True)
                f, tls = conn.makefile("rb"), True
            elif cmd == "MAIL":
                mail, rcpts = line, []
                send("250 ok\r\n")
            elif cmd == "RCPT":
                rcpts.append(line.split("<", 1)[1].split(">", 1)[0])
                send("250 ok\r\n")
            elif cmd == "DATA":
                send("354 go\r\n")
                while f.readline().rstrip(b"\r\n") != b".":
                    pass
                self.transactions.append((tls, mail, rcpts))
                send("250 queued\r\n")
            elif cmd == "QUIT":
                send("221 bye\r\n")
                return
            else:
                send("250 ok\r\n")

    def stop(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()
