"""A raw SMTP client for the bad-input tests: sends exact bytes and reads
replies, so nothing between the test and smtpd fixes the input up."""
import re
import socket
import time

REPLY_END = re.compile(rb"(?m)^\d{3} [^\r\n]*\r\n")


class Raw:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""
        self.greeting = self.reply()

    def send(self, data):
        self.sock.sendall(data)

    def reply(self):
        """One complete (possibly multi-line) reply as text."""
        while True:
            m = REPLY_END.search(self.buf)
            if m:
                out, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return out.decode("latin-1")
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed; got " + repr(self.buf))
            self.buf += chunk

    def cmd(self, line):
        self.send(line if isinstance(line, bytes) else line.encode() + b"\r\n")
        return self.reply()

    def closed(self, wait=5):
        """True when smtpd closes the connection within wait seconds."""
        self.sock.settimeout(wait)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True

    def envelope(self, sender="sender@example.org", rcpts=("alice@localhost",)):
        assert self.cmd("EHLO test.example").startswith("250")
        assert self.cmd(f"MAIL FROM:<{sender}>").startswith("250")
        for r in rcpts:
            rep = self.cmd(f"RCPT TO:<{r}>")
            assert rep.startswith("250"), rep

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def wait_until(pred, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False
