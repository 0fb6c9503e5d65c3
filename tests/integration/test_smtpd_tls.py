"""STARTTLS with real TLS clients (swaks, openssl s_client), and the
STARTTLS command-injection case: input pipelined behind STARTTLS is
discarded, never executed inside the TLS session."""
import socket
import ssl
import subprocess
import time
import unittest

from postern_instance import Instance, require_tool
from smtp_raw import Raw


class SmtpdTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(start=False)
        cert, key = cls.inst.root / "cert.pem", cls.inst.root / "key.pem"
        subprocess.run([require_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True, timeout=120)
        cls.inst.ctl("config", "-e", f"smtpd_tls_cert_file={cert}", f"smtpd_tls_key_file={key}")
        cls.inst.start()
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def find(self, user, token):
        return [m for m in self.inst.messages(user) if token.encode() in m]

    def test_swaks_starttls_delivers(self):
        r = subprocess.run([require_tool("swaks"), "--server", f"127.0.0.1:{self.port}", "--tls",
                            "--to", "alice@localhost", "--header", "Subject: swaks-tls"],
                           capture_output=True, timeout=60)
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out + r.stderr.decode())
        self.assertIn("TLS started", out)
        self.assertIn("250 2.0.0 Ok: queued as", out)
        self.inst.wait_for(lambda: self.find("alice", "Subject: swaks-tls"), 60, "TLS delivery")
        self.assertIn("TLS established with", self.inst.log())

    def test_openssl_s_client_starttls(self):
        # One command at a time: smtpd refuses pipelining behind EHLO.
        p = subprocess.Popen([require_tool("openssl"), "s_client", "-starttls", "smtp", "-connect",
                              f"127.0.0.1:{self.port}", "-tls1_2", "-quiet"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for line in (b"EHLO tls.example\r\n", b"QUIT\r\n"):
            time.sleep(1.5)
            p.stdin.write(line)
            p.stdin.flush()
        out = p.communicate(timeout=60)[0].decode(errors="replace")
        self.assertIn("250-PIPELINING", out)
        self.assertNotIn("STARTTLS", out, "STARTTLS is not offered again inside TLS")
        self.assertIn("221 2.0.0", out)

    def test_old_protocols_refused(self):
        r = subprocess.run([require_tool("openssl"), "s_client", "-starttls", "smtp", "-connect",
                            f"127.0.0.1:{self.port}", "-tls1_1"],
                           input=b"QUIT\r\n", capture_output=True, timeout=60)
        self.assertNotIn(b"221 2.0.0", r.stdout)

    def test_commands_pipelined_behind_starttls_are_discarded(self):
        raw = Raw(self.port)
        self.assertIn("STARTTLS", raw.cmd("EHLO x"))
        raw.send(b"STARTTLS\r\nMAIL FROM:<injected@example.org>\r\n")
        self.assertTrue(raw.reply().startswith("220 2.0.0"))
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        tls = ctx.wrap_socket(raw.sock, server_hostname="localhost")
        tls.sendall(b"EHLO x\r\n")
        data = b""
        while not data.endswith(b"250 CHUNKING\r\n"):
            data += tls.recv(4096)
        tls.sendall(b"RCPT TO:<alice@localhost>\r\n")
        self.assertTrue(tls.recv(4096).startswith(b"503 5.5.1"), "the injected MAIL must not have run")
        tls.close()


if __name__ == "__main__":
    unittest.main()
