"""The durability rule: every message whose submission succeeded is
delivered at least once, even while pickup, cleanup, qmgr and local are
killed with SIGKILL at random moments and restarted by master."""
import os
import random
import signal
import threading
import time
import unittest

from postern_instance import Instance

KILLABLE = {"pickup", "cleanup", "qmgr", "local"}


class DurabilityTest(unittest.TestCase):
    def setUp(self):
        self.inst = Instance()

    def tearDown(self):
        self.inst.close()

    def killer(self, stop, kills):
        rnd = random.Random(int(os.environ.get("POSTERN_TEST_SEED", "4242")))
        while not stop.is_set():
            time.sleep(rnd.uniform(0.02, 0.25))
            # Pick a program first, so one with many processes is not favoured.
            name = rnd.choice(sorted(KILLABLE))
            victims = [pid for pid, n in self.inst.service_pids().items() if n == name]
            if not victims:
                continue
            pid = rnd.choice(victims)
            try:
                os.kill(pid, signal.SIGKILL)
                kills.append(name)
            except ProcessLookupError:
                pass

    def test_sigkill_storm_loses_nothing(self):
        stop = threading.Event()
        kills = []
        t = threading.Thread(target=self.killer, args=(stop, kills), daemon=True)
        t.start()
        accepted = []
        try:
            started = time.time()
            for i in range(200):
                # Spread the submissions over ~20 s so the storm hits every stage.
                time.sleep(max(0.0, started + i * 0.1 - time.time()))
                token = f"durable-{i:03d}-{random.getrandbits(32):08x}"
                msg = f"Subject: {token}\n\nbody of {token}\n".encode()
                r = self.inst.sendmail(("alice", "bob")[i % 2], message=msg)
                if r.returncode == 0:
                    accepted.append((("alice", "bob")[i % 2], token))
        finally:
            stop.set()
            t.join()
        self.assertGreater(len(kills), 20, "the storm must actually kill services")
        for name in KILLABLE:
            self.assertIn(name, kills, f"{name} was never killed")
        self.assertEqual(len(accepted), 200, "postdrop is not killed, so every submission must succeed")

        def delivered():
            have = {u: b"".join(self.inst.messages(u)) for u in ("alice", "bob")}
            return [t for u, t in accepted if f"Subject: {t}\n".encode() not in have[u]]

        self.inst.wait_for(lambda: not delivered(), timeout=300, what="every accepted message delivered")
        self.inst.wait_queue_empty(timeout=120)
        self.assertEqual(list((self.inst.queue / "corrupt").iterdir()), [],
                         "a crash must never leave a corrupt queue file")
        print(f"\nkills: { {n: kills.count(n) for n in KILLABLE} }, accepted: {len(accepted)}")


if __name__ == "__main__":
    unittest.main()
