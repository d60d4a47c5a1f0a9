"""Polls /healthz every 20 ms on a fresh connection until its stdin closes, then prints the
latencies (s) and failures as JSON. Run as its own process so the timings are the API's, not
the wait for the GIL of a test process busy firing a burst of 200 requests.

    python -m tests.faults.healthz_probe PORT
"""

import http.client
import json
import select
import sys
import time

EVERY_S = 0.02


def poll(port: int) -> dict[str, list]:
    latencies: list[float] = []
    failures: list[str] = []
    while True:
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            status = conn.getresponse().status
            if status != 200:
                failures.append(f"status {status}")
        except OSError as exc:
            failures.append(repr(exc))
        finally:
            conn.close()
        latencies.append(time.perf_counter() - started)
        # The pause between polls doubles as the wait for the end: stdin readable means closed.
        if select.select([sys.stdin], [], [], EVERY_S)[0]:
            return {"latencies": latencies, "failures": failures}


if __name__ == "__main__":
    print(json.dumps(poll(int(sys.argv[1]))))
