"""STARTTLS in the SMTP client against a real TLS peer (Python's ssl with
a throw-away self-signed certificate), per smtp_tls_security_level."""
import tempfile
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, TlsSmtpServer, free_port, make_cert

SENDER = "alice@localhost"


class SmtpTlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cert, cls.key = make_cert(cls.tmp.name, "mx.tls.test")
        cls.port = free_port("127.0.0.14")
        cls.server = TlsSmtpServer("127.0.0.14", cls.port, cls.cert, cls.key)
        cls.plain = SmtpSink("127.0.0.15", cls.port)
        cls.dns = DnsServer(mx=[("tls.test", "mx.tls.test", 10), ("wrong.test", "mx.wrong.test", 10),
                                ("plain.test", "mx.plain.test", 10)],
                            hosts={"mx.tls.test": "127.0.0.14", "mx.wrong.test": "127.0.0.14",
                                   "mx.plain.test": "127.0.0.15"})

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.plain.close()
        cls.dns.stop()
        cls.tmp.cleanup()

    def instance(self, level):
        inst = Instance(settings=dict(self.dns.settings(), smtp_tcp_port=str(self.port),
                                      smtp_tls_security_level=level, smtp_tls_CAfile=str(self.cert)))
        self.addCleanup(inst.close)
        return inst

    def send(self, inst, rcpt):
        msg = f"From: {SENDER}\nTo: {rcpt}\nSubject: tls\n\nhi\n".encode()
        self.assertEqual(inst.sendmail("-f", SENDER, rcpt, message=msg).returncode, 0)

    def delivered(self, rcpt):
        return [t for t in self.server.transactions if rcpt in t[2]]

    def test_may_uses_starttls_when_offered(self):
        inst = self.instance("may")
        self.send(inst, "a@tls.test")
        inst.wait_for(lambda: self.delivered("a@tls.test"), 30, "delivery")
        self.assertTrue(self.delivered("a@tls.test")[0][0], "MAIL FROM came after STARTTLS")

    def test_verify_accepts_a_certificate_naming_the_host(self):
        inst = self.instance("verify")
        self.send(inst, "b@tls.test")
        inst.wait_for(lambda: self.delivered("b@tls.test"), 30, "verified delivery")
        self.assertTrue(self.delivered("b@tls.test")[0][0])
        inst.wait_for(lambda: "Verified TLS connection established to mx.tls.test" in inst.log(), 10, "the TLS log")

    def test_verify_defers_when_the_name_does_not_match(self):
        inst = self.instance("verify")
        self.send(inst, "c@wrong.test")
        inst.wait_for(lambda: "c@wrong.test" in inst.log() and "status=deferred" in inst.log(), 30, "deferral")
        self.assertIn("TLS", inst.log())
        self.assertFalse(self.delivered("c@wrong.test"))

    def test_encrypt_defers_when_starttls_is_not_offered(self):
        inst = self.instance("encrypt")
        self.send(inst, "d@plain.test")
        inst.wait_for(lambda: "TLS is required, but was not offered" in inst.log(), 30, "deferral")
        self.assertNotIn("d@plain.test", self.plain.recipients())


if __name__ == "__main__":
    unittest.main()
