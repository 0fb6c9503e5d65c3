"""SMTP connection reuse against real peers: dnsmasq answers MX/A for
*.test, Postfix's smtp-sink plays the remote server on 127.0.0.x and counts
its SMTP sessions (-c). Many messages to one destination travel over fewer
connections than messages; a server that drops an idle cached connection
costs nothing but a new connection (no deferral); reuse can be switched off.
"""
import time
import unittest

from postern_instance import Instance
from smtp_peers import DnsServer, SmtpSink, free_port

SENDER = "alice@localhost"


def message(to, n):
    return f"From: {SENDER}\nTo: {to}\nSubject: reuse {n}\n\nbody {n}\n".encode()


class ReuseCase(unittest.TestCase):
    host = None           # the sink's loopback address
    sink_options = ()
    settings = {}

    def setUp(self):
        port = free_port(self.host)
        self.dns = DnsServer(mx=[("reuse.test", "mx.reuse.test", 10)], hosts={"mx.reuse.test": self.host})
        self.addCleanup(self.dns.stop)
        self.sink = SmtpSink(self.host, port, options=self.sink_options, counters=True)
        self.addCleanup(self.sink.close)
        # SmtpSink's own readiness probe is a session too: count from after it.
        self.wait(lambda: self.sink.sessions() >= 1, "the probe session at the sink")
        self.probes = self.sink.sessions()
        settings = dict(self.dns.settings(), smtp_tcp_port=str(port), smtp_connect_timeout="2s",
                        smtp_reply_timeout="10s", **self.settings)
        self.inst = Instance(settings=settings)
        self.addCleanup(self.inst.close)

    def wait(self, predicate, what, timeout=10):
        deadline = time.time() + timeout
        while not predicate():
            self.assertLess(time.time(), deadline, f"timed out waiting for {what}")
            time.sleep(0.05)

    def sessions(self):
        """SMTP sessions postern's client has ended at the sink so far."""
        return self.sink.sessions() - self.probes

    def send(self, n):
        to = f"user{n}@reuse.test"
        r = self.inst.sendmail("-f", SENDER, to, message=message(to, n))
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return to

    def deliver(self, count, first=0):
        rcpts = {self.send(n) for n in range(first, first + count)}
        self.inst.wait_for(lambda: rcpts <= set(self.sink.recipients()), 60, f"{count} messages at the sink")
        self.inst.wait_queue_empty(20)

    def all_sessions_ended(self, at_least):
        """Stop postern (its smtp processes QUIT their cached sessions) and
        return the sink's session count once it has seen them end."""
        self.inst.close()
        self.wait(lambda: self.sessions() >= at_least, f"{at_least} sessions ended at the sink")
        time.sleep(0.3)  # a straggler would show up now
        return self.sessions()


class ManyMessagesFewConnections(ReuseCase):
    # Two smtp processes, each with its own cache of idle sessions.
    host = "127.0.0.21"
    settings = {"default_process_limit": "2"}

    def test_messages_share_connections(self):
        self.deliver(20)
        log = self.inst.log()
        self.assertEqual(log.count("status=sent"), 20)
        self.assertIn("reusing connection to mx.reuse.test[127.0.0.21]", log)
        self.assertNotIn("status=deferred", log)
        # While postern idles, its cached sessions end with QUIT after
        # $smtp_connection_cache_time_limit (2s).
        self.wait(lambda: self.sessions() >= 1 and self.sink.counter("quit") == self.sessions(),
                  "the idle sessions to be closed with QUIT")
        sessions = self.all_sessions_ended(1)
        self.assertLess(sessions, 20 // 2, f"{sessions} SMTP sessions for 20 messages")
        self.assertEqual(self.sink.counter("quit"), sessions)


class StopQuitsCachedSessions(ReuseCase):
    host = "127.0.0.24"
    settings = {"smtp_connection_cache_time_limit": "60s", "default_process_limit": "1"}

    def test_stopping_postern_quits_the_idle_session(self):
        self.deliver(1)
        self.assertEqual(self.sessions(), 0)  # kept open
        self.assertEqual(self.all_sessions_ended(1), 1)
        self.assertEqual(self.sink.counter("quit"), 1)


class ReuseSwitchedOff(ReuseCase):
    host = "127.0.0.22"
    settings = {"smtp_connection_reuse": "no", "default_process_limit": "2"}

    def test_one_connection_per_message(self):
        self.deliver(5)
        self.assertNotIn("reusing connection", self.inst.log())
        self.assertEqual(self.all_sessions_ended(5), 5)
        self.assertEqual(self.sink.counter("quit"), 5)


class ServerDropsIdleConnection(ReuseCase):
    # The sink gives up on a client after 1s without a command; postern
    # would keep the idle session for 30s. One smtp process, so the next
    # request meets the dropped session in its cache.
    host = "127.0.0.23"
    sink_options = ("-t", "1")
    settings = {"smtp_connection_cache_time_limit": "30s", "default_process_limit": "1"}

    def test_next_message_goes_over_a_new_connection(self):
        self.deliver(1)
        self.wait(lambda: self.sessions() >= 1, "the sink dropping the idle session")
        self.deliver(1, first=1)
        log = self.inst.log()
        self.assertIn("cached connection to mx.reuse.test[127.0.0.23]", log)
        self.assertIn("connecting again", log)
        self.assertNotIn("status=deferred", log)
        self.assertNotIn("status=bounced", log)
        self.assertEqual(log.count("status=sent"), 2)


if __name__ == "__main__":
    unittest.main()
