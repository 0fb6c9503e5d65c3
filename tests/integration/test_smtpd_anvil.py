"""anvil(8): the per-client limits hold across all smtpd processes, and
smtpd keeps serving (counting by itself) while anvil is down."""
import os
import signal
import socket
import time
import unittest

from postern_instance import Instance
from smtp_raw import Raw


def greeting(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        return s.recv(200)


class AnvilTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance({"smtpd_client_event_limit_exceptions": "",
                              "smtpd_client_connection_count_limit": "3"}, smtpd_processes=4)

    def tearDown(self):
        self.inst.close()

    def anvil_pid(self):
        pids = [p for p, n in self.inst.service_pids().items() if n == "anvil"]
        return pids[0] if pids else None

    def hold_three(self, port):
        """Three sessions, once earlier ones (the start-up probe's) are given
        back: a session's end reaches anvil asynchronously."""
        deadline = time.time() + 10
        while True:
            held = [Raw(port) for _ in range(3)]
            if all(h.greeting.startswith("220") for h in held) or time.time() > deadline:
                return held
            for h in held:
                h.close()
            time.sleep(0.2)

    def hold_three_then_check_fourth(self):
        port = self.inst.smtp_port()
        held = self.hold_three(port)
        try:
            for h in held:
                self.assertTrue(h.greeting.startswith("220"), h.greeting)
            # Whichever of the four processes accepts it, the fourth is refused.
            for _ in range(8):
                self.assertTrue(greeting(port).startswith(b"421 4.7.0"))
        finally:
            for h in held:
                h.close()

    def test_count_limit_holds_across_smtpd_processes(self):
        smtpds = [p for p, n in self.inst.service_pids().items() if n == "smtpd"]
        self.assertEqual(len(smtpds), 4)
        self.assertIsNotNone(self.anvil_pid())
        self.hold_three_then_check_fourth()
        # Closed sessions give their slots back.
        self.inst.wait_for(lambda: greeting(self.inst.smtp_port()).startswith(b"220"), 10, "a free slot")

    def test_smtpd_serves_while_anvil_is_down_and_limits_return(self):
        old = self.anvil_pid()
        os.kill(old, signal.SIGKILL)
        # No connection is refused or dropped because anvil is gone.
        for _ in range(4):
            self.assertTrue(greeting(self.inst.smtp_port()).startswith(b"220"))
        self.inst.wait_for(lambda: self.anvil_pid() not in (None, old), 30, "master to restart anvil")
        time.sleep(1.2)  # a process that found anvil gone retries at most once a second
        self.hold_three_then_check_fourth()
        self.assertIn("anvil", self.inst.log())


if __name__ == "__main__":
    unittest.main()
