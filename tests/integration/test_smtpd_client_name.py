"""smtpd's client host name lookup against a real dnsmasq on loopback:
a PTR name whose A record has the client address is used in Received:
and in the client= log line; a PTR name that does not resolve back is
"unknown"; a DNS server that never answers costs at most
$smtpd_client_name_timeout, the mail is still accepted, and other
sessions are served meanwhile. Clients connect from 127.0.0.N by binding
their source address (Linux routes all of 127/8 to lo)."""
import mailbox
import os
import pwd
import re
import smtplib
import socket
import subprocess
import threading
import time
import unittest

from postern_instance import Instance, require_tool
from smtp_peers import DnsServer, free_dns_port

GOOD, LIAR, SLOW, OTHER = "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"


class Dnsmasq(DnsServer):
    """dnsmasq with A+PTR for good.test, and a PTR for LIAR naming
    liar.test whose A record is another address (DnsServer has no PTR-only
    records)."""

    def __init__(self):  # pylint: disable=super-init-not-called
        self.port = free_dns_port()
        args = [require_tool("dnsmasq"), "--keep-in-foreground", "--no-resolv", "--no-hosts", "--no-poll",
                f"--port={self.port}", "--listen-address=127.0.0.1", "--bind-interfaces", "--pid-file=",
                "--user=" + pwd.getpwuid(os.getuid()).pw_name, "--log-facility=/dev/null",
                "--local=/test/", "--local=/127.in-addr.arpa/",
                f"--host-record=good.test,{GOOD}",
                "--host-record=liar.test,127.0.0.40",
                "--ptr-record=" + ".".join(reversed(LIAR.split("."))) + ".in-addr.arpa,liar.test"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()


def send(port, source, subject):
    """One message to alice from source; the queue ID."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(source, 0)) as s:
        s.ehlo("client.example")
        s.mail("carol@example.org")
        s.rcpt("alice@localhost")
        code, text = s.data(f"Subject: {subject}\r\nFrom: carol@example.org\r\n\r\nhello\r\n".encode())
        if code != 250:
            raise AssertionError(f"DATA: {code} {text!r}")
    return re.search(r"queued as (\w+)", text.decode()).group(1)


def received_of(inst, subject):
    """The Received: header smtpd's mail got, read with Python's mailbox."""
    def found():
        box = mailbox.Maildir(str(inst.root / "mail" / "alice"), factory=None, create=False)
        return [m for m in box if m["Subject"] == subject]
    inst.wait_for(lambda: found(), 60, f"delivery of {subject}")
    return " ".join(found()[0]["Received"].split())


class ClientNameTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dns = Dnsmasq()
        try:
            cls.inst = Instance({"smtpd_peername_lookup": "yes", "smtpd_dns_servers": "127.0.0.1",
                                 "smtpd_dns_port": str(cls.dns.port), "smtpd_client_name_timeout": "5s"})
        except Exception:
            cls.dns.stop()
            raise
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()
        cls.dns.stop()

    def test_confirmed_name_in_received_and_log(self):
        qid = send(self.port, GOOD, "name-good")
        self.assertIn(f"from client.example (good.test [{GOOD}])", received_of(self.inst, "name-good"))
        self.assertIn(f"{qid}: client=good.test[{GOOD}]", self.inst.log())

    def test_ptr_without_matching_address_is_unknown(self):
        qid = send(self.port, LIAR, "name-liar")
        self.assertIn(f"from client.example (unknown [{LIAR}])", received_of(self.inst, "name-liar"))
        log = self.inst.log()
        self.assertIn(f"{qid}: client=unknown[{LIAR}]", log)
        self.assertIn(f"hostname liar.test does not resolve to address {LIAR}", log)


class SilentDnsTest(unittest.TestCase):
    TIMEOUT = 2

    @classmethod
    def setUpClass(cls):
        # A DNS "server" that reads nothing and answers nothing.
        cls.silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cls.silent.bind(("127.0.0.1", 0))
        cls.inst = Instance({"smtpd_peername_lookup": "yes", "smtpd_dns_servers": "127.0.0.1",
                             "smtpd_dns_port": str(cls.silent.getsockname()[1]),
                             "smtpd_client_name_timeout": f"{cls.TIMEOUT}s"}, smtpd_processes=1)
        cls.port = cls.inst.smtp_port()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()
        cls.silent.close()

    def test_timeout_bounds_the_wait_and_others_are_served(self):
        # A session that is already past its own lookup...
        other = smtplib.SMTP("127.0.0.1", self.port, timeout=30, source_address=(OTHER, 0))
        other.ehlo("other.example")
        # ...keeps getting prompt answers while a new client waits for its lookup.
        greeted = {}

        def slow_client():
            start = time.monotonic()
            greeted["qid"] = send(self.port, SLOW, "name-silent")
            greeted["took"] = time.monotonic() - start
        t = threading.Thread(target=slow_client)
        t.start()
        time.sleep(0.3)  # let the slow client's lookup begin
        slowest = 0.0
        while t.is_alive() and "took" not in greeted:
            start = time.monotonic()
            self.assertEqual(other.noop()[0], 250)
            slowest = max(slowest, time.monotonic() - start)
            time.sleep(0.1)
        t.join(30)
        other.quit()
        self.assertLess(slowest, 0.5, "the other session stalled during the lookup")
        self.assertIn("qid", greeted, "the slow client's mail was not accepted")
        self.assertGreater(greeted["took"], self.TIMEOUT - 0.5, "the DNS server was not silent")
        self.assertLess(greeted["took"], self.TIMEOUT + 1.5, "the lookup was not bounded by the timeout")
        self.assertIn(f"from client.example (unknown [{SLOW}])", received_of(self.inst, "name-silent"))
        log = self.inst.log()
        self.assertIn(f"{greeted['qid']}: client=unknown[{SLOW}]", log)
        self.assertRegex(log, rf"hostname lookup for {re.escape(SLOW)} failed: .*client is unknown")

    def test_a_loopback_client_is_named_from_etc_hosts_without_waiting_for_dns(self):
        with open("/etc/hosts") as f:
            if not re.search(r"(?m)^127\.0\.0\.1\s+localhost\b", f.read()):
                self.skipTest("/etc/hosts does not name 127.0.0.1 localhost")
        start = time.monotonic()
        qid = send(self.port, "127.0.0.1", "name-hosts-file")
        self.assertLess(time.monotonic() - start, self.TIMEOUT - 0.5, "smtpd asked the silent DNS server")
        self.assertIn("from client.example (localhost [127.0.0.1])", received_of(self.inst, "name-hosts-file"))
        self.assertIn(f"{qid}: client=localhost[127.0.0.1]", self.inst.log())


if __name__ == "__main__":
    unittest.main()
