"""Connection limits: 1,000 idle sessions on one smtpd process with bounded
memory while another client is still served; the per-client count and rate
limits and the per-process session limit answer 421 4.7.0."""
import socket
import subprocess
import time
import unittest

from postern_instance import Instance, require_tool
from smtp_raw import Raw


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        lines = f.read().splitlines()
    for line in lines:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class SmtpdIdleConnectionsTest(unittest.TestCase):
    def test_thousand_idle_connections_and_others_still_served(self):
        inst = Instance(smtpd_processes=1)
        try:
            port = inst.smtp_port()
            pid = next(p for p, n in inst.service_pids().items() if n == "smtpd")
            before = rss_kib(pid)
            idle = []
            for _ in range(1000):
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                idle.append(s)
            for s in idle[::50]:
                self.assertTrue(s.recv(100).startswith(b"220"))
            r = subprocess.run([require_tool("swaks"), "--server", f"127.0.0.1:{port}", "--to", "bob@localhost",
                                "--header", "Subject: while-idle"], capture_output=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stdout.decode())
            grown = rss_kib(pid) - before
            self.assertLess(grown, 64 * 1024, f"1000 idle sessions cost {grown} KiB")
            for s in idle:
                s.close()
            inst.wait_for(lambda: any(b"while-idle" in m for m in inst.messages("bob")), 60, "delivery")
        finally:
            inst.close()


class SmtpdClientLimitsTest(unittest.TestCase):
    def test_count_limit_plus_one_gets_421(self):
        inst = Instance({"smtpd_client_event_limit_exceptions": "", "smtpd_client_connection_count_limit": "3"},
                        smtpd_processes=1)
        try:
            conns = [Raw(inst.smtp_port()) for _ in range(3)]
            with socket.create_connection(("127.0.0.1", inst.smtp_port()), timeout=10) as s:
                self.assertTrue(s.recv(200).startswith(b"421 4.7.0"))
            conns[0].cmd("QUIT")
            conns[0].close()
            time.sleep(0.3)
            self.assertTrue(Raw(inst.smtp_port()).greeting.startswith("220"), "a slot is free again")
        finally:
            inst.close()

    def test_rate_limit_plus_one_gets_421(self):
        inst = Instance({"smtpd_client_event_limit_exceptions": "", "smtpd_client_connection_rate_limit": "5"},
                        smtpd_processes=1, start=False)
        try:
            inst.ctl("start")  # no readiness probe: it would count against the rate
            inst.started = True
            inst.wait_for(lambda: (inst.queue / "pid" / "master.pid").exists(), 30, "master")
            time.sleep(1)
            answers = []
            for _ in range(6):
                with socket.create_connection(("127.0.0.1", inst.smtp_port()), timeout=10) as s:
                    answers.append(s.recv(200)[:3])
            self.assertEqual(answers, [b"220"] * 5 + [b"421"])
        finally:
            inst.close()

    def test_process_session_limit_plus_one_gets_421(self):
        inst = Instance({"smtpd_process_session_limit": "2"}, smtpd_processes=1)
        try:
            held = [Raw(inst.smtp_port()) for _ in range(2)]
            with socket.create_connection(("127.0.0.1", inst.smtp_port()), timeout=10) as s:
                self.assertTrue(s.recv(200).startswith(b"421 4.7.0"))
            for h in held:
                h.close()
        finally:
            inst.close()


if __name__ == "__main__":
    unittest.main()
