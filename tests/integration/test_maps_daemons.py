"""Lookup tables wired into smtpd and cleanup, end to end with a real instance.

- cleanup: canonical_maps / sender_ / recipient_canonical_maps rewrite the
  envelope and the headers (read back from the delivered Maildir with
  Python's mailbox module); virtual_alias_maps sends mail to a local user and
  to a remote host (Postfix's smtp-sink).
- smtpd: smtpd_client/helo/sender/recipient_access tables answer REJECT,
  4xx/5xx text, OK and RELAY at RCPT TO (smtplib, from several loopback
  addresses); alias_maps of type hash: is checked at RCPT.
- a real slapd as virtual_alias_maps: lookups work; slapd stopped -> 451 at
  RCPT and a submitted message stays queued (never bounced); slapd started
  again -> it is delivered.
"""
import mailbox
import os
import pathlib
import shutil
import smtplib
import tempfile
import unittest

from postern_instance import Instance
from smtp_peers import SmtpSink, free_port
from test_maps_ldap import SLAPD, Slapd


def rcpt(inst, to, sender="someone@example.org", helo="client.example", source="127.0.0.1"):
    """(code, text) of RCPT TO:<to> in a fresh session from source."""
    with smtplib.SMTP(timeout=30, source_address=(source, 0)) as s:
        s.connect("127.0.0.1", inst.smtp_port())
        s.ehlo(helo)
        code, _ = s.mail(sender)
        if code != 250:
            return code, ""
        code, text = s.rcpt(to)
        return code, text.decode(errors="replace")


class MapsCase(unittest.TestCase):
    def instance(self, settings=None):
        inst = Instance(settings=settings, start=False)
        self.addCleanup(inst.close)
        return inst

    def build(self, inst, name, text, kind="hash"):
        source = inst.root / name
        source.write_text(text)
        r = inst.run("postern-map", f"{kind}:{source}")
        self.assertEqual(r.returncode, 0, r.stderr)
        return f"{kind}:{source}"

    def delivered(self, inst, user, subject):
        box = mailbox.Maildir(str(inst.root / "mail" / user), factory=None, create=False)
        return [m for m in (box.get_message(k) for k in box.keys()) if m["Subject"] == subject]


class CanonicalAndVirtual(MapsCase):
    def test_canonical_rewrites_envelope_and_headers(self):
        inst = self.instance()
        sender = self.build(inst, "sender_canonical", "bob@localhost Bob.Jones@example.org\n")
        rcpt_map = self.build(inst, "recipient_canonical", "carol@localhost alice@localhost\n")
        both = self.build(inst, "canonical", "@old.example @new.example\n")
        inst.ctl("config", "-e", f"sender_canonical_maps={sender}", f"recipient_canonical_maps={rcpt_map}",
                 f"canonical_maps={both}")
        inst.start()
        msg = (b"From: Bob <bob@localhost>\nTo: Carol <carol@localhost>, x@old.example\n"
               b"Reply-To: bob@localhost\nSubject: canonical\n\nbody\n")
        r = inst.sendmail("-f", "bob@localhost", "carol@localhost", message=msg)
        self.assertEqual(r.returncode, 0, r.stderr)
        inst.wait_for(lambda: self.delivered(inst, "alice", "canonical"), what="delivery to alice")
        m = self.delivered(inst, "alice", "canonical")[0]
        self.assertEqual(m["Return-Path"], "<Bob.Jones@example.org>")
        self.assertEqual(m["From"], "Bob <Bob.Jones@example.org>")
        self.assertEqual(m["Reply-To"], "Bob.Jones@example.org")
        self.assertEqual(m["To"], "Carol <alice@localhost>, x@new.example")
        self.assertEqual(m["Delivered-To"], "alice@localhost")

    def test_virtual_alias_to_local_user_and_remote_host(self):
        port = free_port("127.0.0.9")
        sink = SmtpSink("127.0.0.9", port)
        self.addCleanup(sink.close)
        inst = self.instance({"relayhost": f"[127.0.0.9]:{port}", "virtual_alias_domains": "virt.example"})
        table = self.build(inst, "virtual", "sales@virt.example alice@localhost, partner@remote.example\n"
                                            "@virt.example bob@localhost\n")
        inst.ctl("config", "-e", f"virtual_alias_maps={table}")
        inst.start()
        with smtplib.SMTP("127.0.0.1", inst.smtp_port(), timeout=30) as s:
            s.sendmail("someone@example.org", ["sales@virt.example", "anyone@virt.example"],
                       b"From: someone@example.org\nSubject: virtual\n\nbody\n")
        inst.wait_for(lambda: self.delivered(inst, "alice", "virtual"), what="delivery to alice")
        inst.wait_for(lambda: self.delivered(inst, "bob", "virtual"), what="catch-all delivery to bob")
        inst.wait_for(lambda: "partner@remote.example" in sink.recipients(), 30, "delivery to the remote host")
        self.assertEqual(self.delivered(inst, "alice", "virtual")[0]["Delivered-To"], "alice@localhost")


class SmtpdAccess(MapsCase):
    @classmethod
    def setUpClass(cls):
        cls.inst = Instance(settings={"mynetworks": "127.0.0.1/32"}, start=False)
        root = cls.inst.root
        tables = {
            "client": "127.0.0.2 REJECT\n127.0.0.3 OK\n",
            "helo": "bad.helo.example REJECT Go away\n",
            "sender": "spammer@example.com 550 5.7.0 No thanks\nfriend.example RELAY\nlater@example.com DEFER\n",
            "recipient": "blocked@localhost REJECT\nbusy@localhost 450 4.2.0 Mailbox busy\n"
                         "open.example OK\nalice@localhost DUNNO\n",
        }
        settings = []
        for name, text in tables.items():
            (root / name).write_text(text)
            r = cls.inst.run("postern-map", f"hash:{root / name}")
            assert r.returncode == 0, r.stderr
            settings.append(f"smtpd_{name}_access=hash:{root / name}")
        (root / "aliases-db").write_text("team alice, bob\n")
        assert cls.inst.run("postern-map", f"hash:{root / 'aliases-db'}").returncode == 0
        settings.append(f"alias_maps=hash:{root / 'aliases-db'}")
        cls.inst.ctl("config", "-e", *settings)
        cls.inst.start()

    @classmethod
    def tearDownClass(cls):
        cls.inst.close()

    def test_client_access(self):
        code, text = rcpt(self.inst, "alice@localhost", source="127.0.0.2")
        self.assertEqual(code, 554)
        self.assertIn("5.7.1", text)
        self.assertIn("Client host rejected", text)
        # OK permits relaying from a client outside mynetworks
        self.assertEqual(rcpt(self.inst, "x@elsewhere.example", source="127.0.0.3")[0], 250)
        self.assertEqual(rcpt(self.inst, "x@elsewhere.example", source="127.0.0.4")[0], 554)

    def test_helo_access(self):
        code, text = rcpt(self.inst, "alice@localhost", helo="bad.helo.example")
        self.assertEqual((code, "Helo command rejected: Go away" in text), (554, True), text)

    def test_sender_access(self):
        code, text = rcpt(self.inst, "alice@localhost", sender="spammer@example.com")
        self.assertEqual(code, 550)
        self.assertIn("5.7.0", text)
        self.assertIn("No thanks", text)
        self.assertEqual(rcpt(self.inst, "x@elsewhere.example", sender="a@friend.example", source="127.0.0.4")[0], 250)
        self.assertEqual(rcpt(self.inst, "alice@localhost", sender="later@example.com")[0], 450)

    def test_recipient_access(self):
        self.assertEqual(rcpt(self.inst, "blocked@localhost")[0], 554)
        code, text = rcpt(self.inst, "busy@localhost")
        self.assertEqual(code, 450)
        self.assertIn("4.2.0 <busy@localhost>: Recipient address rejected: Mailbox busy", text)
        self.assertEqual(rcpt(self.inst, "anyone@open.example", source="127.0.0.4")[0], 250)
        self.assertEqual(rcpt(self.inst, "alice@localhost", source="127.0.0.4")[0], 250)

    def test_hash_alias_maps_at_rcpt(self):
        self.assertEqual(rcpt(self.inst, "team@localhost")[0], 250)
        code, text = rcpt(self.inst, "nobody@localhost")
        self.assertEqual(code, 550)
        self.assertIn("5.1.1", text)


VIRTUAL_LDIF = """dn: dc=example,dc=test
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: uid=sales,dc=example,dc=test
objectClass: inetOrgPerson
uid: sales
cn: Sales
sn: list
mail: sales@example.test
description: alice@localhost
"""


@unittest.skipUnless(os.path.exists(SLAPD) and os.path.exists("/etc/ldap/schema/inetorgperson.schema"),
                     "slapd not installed")
class LdapVirtual(MapsCase):
    def setUp(self):
        self.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-ldapv-"))
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.slapd = Slapd(self.dir, VIRTUAL_LDIF)
        self.slapd.start()
        self.addCleanup(self.slapd.stop)
        cf = self.dir / "virtual.cf"
        cf.write_text(f"server_host = ldap://127.0.0.1:{self.slapd.port}\nsearch_base = dc=example,dc=test\n"
                      "timeout = 2\nquery_filter = (mail=%s)\nresult_attribute = description\n"
                      "domain = example.test\n")
        self.inst = self.instance({"virtual_alias_maps": f"ldap:{cf}", "virtual_alias_domains": "example.test"})
        self.inst.start()

    def test_lookups_and_server_down_defers(self):
        inst = self.inst
        self.assertEqual(rcpt(inst, "sales@example.test")[0], 250)
        self.assertEqual(rcpt(inst, "nobody@example.test")[0], 550)
        with smtplib.SMTP("127.0.0.1", inst.smtp_port(), timeout=30) as s:
            s.sendmail("someone@example.org", ["sales@example.test"], b"Subject: ldap-up\n\nbody\n")
        inst.wait_for(lambda: self.delivered(inst, "alice", "ldap-up"), what="delivery through ldap")

        self.slapd.stop()
        code, text = rcpt(inst, "sales@example.test")
        self.assertEqual(code, 451, text)
        self.assertIn("4.3.0", text)
        r = inst.sendmail("sales@example.test", message=b"Subject: ldap-down\n\nbody\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        inst.wait_for(lambda: any("/cleanup[" in line and "4.3.0 virtual_alias_maps" in line
                                  for line in inst.log().splitlines()), 30, "cleanup's temporary failure")
        self.assertTrue(inst.queue_files(), "the message must stay queued")
        self.assertNotIn("status=bounced", inst.log())
        self.assertFalse(self.delivered(inst, "alice", "ldap-down"))

        self.slapd.start()
        inst.wait_for(lambda: self.delivered(inst, "alice", "ldap-down"), 60, "delivery after slapd is back")
        self.assertNotIn("status=bounced", inst.log())
        self.assertEqual(rcpt(inst, "sales@example.test")[0], 250)


if __name__ == "__main__":
    unittest.main()
