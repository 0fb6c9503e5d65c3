"""ldap: tables against a real slapd (Debian's slapd package).

Each test class starts its own slapd on a loopback port with a temporary
slapd.conf and an LDIF of users, mail aliases and routing entries, looks up
aliases and virtual addresses through postern-map, restarts the server
mid-run (lookups recover on the same connection object), and stops it
(lookups answer temporary failure: exit 75, so mail defers).
"""
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

BIN = pathlib.Path(os.environ.get("POSTERN_BIN", pathlib.Path(__file__).resolve().parents[2] / "build" / "bin"))
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"

LDIF = """dn: dc=example,dc=test
objectClass: dcObject
objectClass: organization
o: Example
dc: example

dn: ou=people,dc=example,dc=test
objectClass: organizationalUnit
ou: people

dn: uid=alice,ou=people,dc=example,dc=test
objectClass: inetOrgPerson
uid: alice
cn: Alice
sn: Smith
mail: alice@example.test
description: alice@mailhost.test

dn: uid=bob,ou=people,dc=example,dc=test
objectClass: inetOrgPerson
uid: bob
cn: Bob
sn: Jones
mail: bob@example.test
description: bob@mailhost.test
description: bob@archive.test

dn: uid=sales,dc=example,dc=test
objectClass: inetOrgPerson
uid: sales
cn: Sales list
sn: list
mail: alice@example.test
mail: bob@example.test
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Slapd:
    """slapd on a free loopback port, serving ldif (default: LDIF) under dc=example,dc=test."""

    def __init__(self, root, ldif=LDIF):
        self.root = root
        self.port = free_port()
        (root / "db").mkdir()
        self.conf = root / "slapd.conf"
        self.conf.write_text(f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {root}/slapd.pid
database mdb
suffix "dc=example,dc=test"
rootdn "cn=admin,dc=example,dc=test"
rootpw secret
directory {root}/db
maxsize 10485760
""")
        (root / "data.ldif").write_text(ldif)
        subprocess.run([SLAPADD, "-f", str(self.conf), "-l", str(root / "data.ldif")], check=True,
                       capture_output=True)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen([SLAPD, "-f", str(self.conf), "-h", f"ldap://127.0.0.1:{self.port}/",
                                      "-d", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("slapd did not start")

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@unittest.skipUnless(os.path.exists(SLAPD) and os.path.exists("/etc/ldap/schema/inetorgperson.schema"), "slapd not installed")
class LdapTables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = pathlib.Path(tempfile.mkdtemp(prefix="postern-ldap-"))
        cls.slapd = Slapd(cls.dir)
        cls.slapd.start()
        base = f"server_host = ldap://127.0.0.1:{cls.slapd.port}\nsearch_base = dc=example,dc=test\ntimeout = 2\n"
        cls.aliases = cls.dir / "aliases.cf"
        cls.aliases.write_text(base + "query_filter = (&(objectClass=inetOrgPerson)(uid=%s))\n"
                                      "result_attribute = mail\n")
        cls.virtual = cls.dir / "virtual.cf"
        cls.virtual.write_text(base + "query_filter = (mail=%s)\nresult_attribute = description\n"
                                      "domain = example.test\nbind = yes\n"
                                      "bind_dn = cn=admin,dc=example,dc=test\nbind_pw = secret\n")

    @classmethod
    def tearDownClass(cls):
        cls.slapd.stop()
        shutil.rmtree(cls.dir)

    def pmap(self, *args, input=None):
        return subprocess.run([str(BIN / "postern-map"), *map(str, args)], input=input, capture_output=True,
                              text=True, timeout=60)

    def test_alias_and_virtual_lookups(self):
        r = self.pmap("-q", "sales", f"ldap:{self.aliases}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "alice@example.test,bob@example.test")
        self.assertEqual(self.pmap("-q", "nosuch", f"ldap:{self.aliases}").returncode, 1)
        r = self.pmap("-q", "Bob@Example.Test", f"ldap:{self.virtual}")
        self.assertEqual(r.stdout.strip(), "bob@mailhost.test,bob@archive.test")
        # outside the domain restriction: not even asked
        self.assertEqual(self.pmap("-q", "bob@other.test", f"ldap:{self.virtual}").returncode, 1)
        # the semantics tool: virtual expansion through the directory
        r = self.pmap("-x", "virtual", "-q", "alice@example.test", f"ldap:{self.virtual}")
        self.assertEqual(r.stdout.split(), ["alice@mailhost.test"])

    def test_filter_injection_is_escaped(self):
        self.assertEqual(self.pmap("-q", "*", f"ldap:{self.aliases}").returncode, 1)

    def test_restart_mid_run_and_server_down(self):
        # One process, many lookups on one connection: keys from stdin.
        proc = subprocess.Popen([str(BIN / "postern-map"), "-q", "-", f"ldap:{self.aliases}"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proc.stdin.write("sales\n")
        proc.stdin.flush()
        self.assertEqual(proc.stdout.readline().strip(), "sales\talice@example.test,bob@example.test")
        self.slapd.stop()
        self.slapd.start()
        proc.stdin.write("sales\n")
        proc.stdin.flush()
        self.assertEqual(proc.stdout.readline().strip(), "sales\talice@example.test,bob@example.test")
        proc.stdin.close()
        self.assertEqual(proc.wait(timeout=20), 0)
        # Server down: temporary failure, never "not found".
        self.slapd.stop()
        try:
            r = self.pmap("-q", "sales", f"ldap:{self.aliases}")
            self.assertEqual(r.returncode, 75, r.stdout + r.stderr)
            self.assertIn(f"ldap:{self.aliases}", r.stderr)
            r = self.pmap("-x", "virtual", "-q", "alice@example.test", f"ldap:{self.virtual}")
            self.assertEqual(r.returncode, 75)
            self.assertIn("temporary failure", r.stdout)
        finally:
            self.slapd.start()
        self.assertEqual(self.pmap("-q", "sales", f"ldap:{self.aliases}").returncode, 0)


if __name__ == "__main__":
    unittest.main()
