"""Queue administration on a populated queue: mailq's layout with each
deferred recipient's last status, postern-queue list/show/hold/release/
requeue/delete, and sendmail -q / -qR / -qI flushing deferred mail at
once (the back-off is an hour, so only a flush can explain a delivery).
"""
import re
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "alice@localhost"
SLOW = {"minimal_backoff_time": "3600s", "maximal_backoff_time": "3600s", "queue_run_delay": "3600s"}


def message(to, subject="q"):
    return f"From: {SENDER}\nTo: {to}\nSubject: {subject}\n\nbody\n".encode()


class QueueAdminTest(unittest.TestCase):
    def setUp(self):
        self.port = free_port("127.0.0.12")
        self.dns = DnsServer(mx=[("a.test", "mx.q.test", 10), ("b.test", "mx.q.test", 10)],
                             hosts={"mx.q.test": "127.0.0.12"})
        self.addCleanup(self.dns.stop)
        self.sink = SmtpSink("127.0.0.12", self.port, soft=["RCPT"])
        self.addCleanup(lambda: self.sink.close())
        self.inst = Instance(settings=dict(self.dns.settings(), smtp_tcp_port=str(self.port), **SLOW))
        self.addCleanup(self.inst.close)

    def queue(self, *args):
        r = self.inst.run("postern-queue", *args)
        return r.returncode, r.stdout.decode(), r.stderr.decode()

    def submit_deferred(self, *rcpts):
        for rcpt in rcpts:
            r = self.inst.sendmail("-f", SENDER, rcpt, message=message(rcpt))
            self.assertEqual(r.returncode, 0)
        self.inst.wait_for(lambda: len(self.inst.queue_files("deferred")) == len(rcpts), 30, "deferred mail")
        return self.ids()

    def ids(self):
        return sorted(p.name for p in self.inst.queue_files())

    def accept_now(self):
        self.sink.close()
        self.sink = SmtpSink("127.0.0.12", self.port)

    def test_mailq_lists_deferred_mail_with_last_status(self):
        ids = self.submit_deferred("bob@a.test", "carol@b.test")
        out = self.inst.run("mailq").stdout.decode()
        print("\n--- mailq on a populated queue ---\n" + out, flush=True)
        self.assertTrue(out.startswith("-Queue ID-"))
        for qid in ids:
            self.assertRegex(out, rf"(?m)^{qid}\s+\d+ \w{{3}} \w{{3}} [ \d]\d \d\d:\d\d:\d\d\s+{SENDER}$")
        self.assertRegex(out, r"\((4\.\d\.\d )?host mx\.q\.test\[127\.0\.0\.12\] said: 4\d\d .*\(in reply to RCPT TO command\)\)")
        self.assertIn("bob@a.test", out)
        self.assertRegex(out, r"-- \d+ Kbytes in 2 Requests\.\n$")
        self.assertEqual(self.queue("list")[1], out)

    def test_show_hold_release_delete(self):
        qid, other = self.submit_deferred("bob@a.test", "carol@b.test")
        rc, out, _ = self.queue("show", qid)
        self.assertEqual(rc, 0)
        self.assertIn("queue: deferred", out)
        self.assertIn(f"sender: <{SENDER}>", out)
        self.assertRegex(out, r"recipient: <\S+@[ab]\.test> pending \((4\.\d\.\d )?host mx\.q\.test")
        self.assertIn("--- message ---", out)
        self.assertIn("Subject: q", out)

        self.assertEqual(self.queue("hold", qid)[0], 0)
        self.assertEqual([p.name for p in self.inst.queue_files("hold")], [qid])
        self.assertIn(f"{qid}!", self.inst.run("mailq").stdout.decode())
        self.assertEqual(self.queue("release", qid)[0], 0)
        self.assertFalse(self.inst.queue_files("hold"))

        self.assertEqual(self.queue("delete", other)[0], 0)
        self.assertNotIn(other, self.ids())
        rc, _, err = self.queue("delete", other)
        self.assertNotEqual(rc, 0)
        self.assertIn("no such message", err)
        self.assertNotEqual(self.queue("hold", "../../etc")[0], 0)
        self.assertNotEqual(self.queue("frobnicate")[0], 0)

    def test_sendmail_q_flushes_deferred_mail_now(self):
        self.submit_deferred("bob@a.test")
        self.accept_now()
        self.assertEqual(self.inst.sendmail("-q").returncode, 0)
        self.inst.wait_for(lambda: "bob@a.test" in self.sink.recipients(), 30, "delivery after -q")
        self.inst.wait_queue_empty(20)

    def test_sendmail_qR_and_qI_select(self):
        a, b = self.submit_deferred("bob@a.test", "carol@b.test")
        id_b = next(i for i in (a, b) if "carol@b.test" in self.queue("show", i)[1])
        self.accept_now()
        self.assertEqual(self.inst.sendmail("-qRa.test").returncode, 0)
        self.inst.wait_for(lambda: "bob@a.test" in self.sink.recipients(), 30, "a.test after -qR")
        self.assertNotIn("carol@b.test", self.sink.recipients())
        self.assertEqual(self.inst.sendmail("-qI", id_b).returncode, 0)
        self.inst.wait_for(lambda: "carol@b.test" in self.sink.recipients(), 30, "b.test after -qI")

    def test_requeue_all_reroutes_through_incoming(self):
        self.submit_deferred("bob@a.test")
        self.accept_now()
        rc, out, _ = self.queue("requeue", "ALL")
        self.assertEqual(rc, 0)
        self.assertIn("requeued", out)
        self.inst.wait_for(lambda: "bob@a.test" in self.sink.recipients(), 30, "delivery after requeue")


if __name__ == "__main__":
    unittest.main()
