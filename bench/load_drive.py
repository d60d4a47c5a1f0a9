"""How the load bench drives the public API: requests at a fixed pace from a pool of
threads, each timed and its errors kept; the orders' bodies; waiting for the jobs to catch
up; and the figures' tables.
"""

import math
import random
import statistics
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import stage
from load_seed import BASE_URL, DB_NAME

# --- load ------------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def call(self, client: httpx.Client, name: str, method: str, url: str, **kwargs):
        started = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            with self.lock:
                self.errors[name].append(type(exc).__name__)
            return None
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latency[name].append(elapsed)
            if response.status_code >= 300:
                self.errors[name].append(f"{response.status_code} {response.text[:120]}")
        return response


def paced(jobs: list, rate: float, work, threads: int = 24) -> float:
    """Run work(job) for each job, started at `rate` per second; returns seconds taken."""
    started = time.monotonic()
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with (
        httpx.Client(base_url=BASE_URL, timeout=30, limits=limits, trust_env=False) as client,
        ThreadPoolExecutor(threads) as pool,
    ):
        futures = []
        for i, job in enumerate(jobs):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(work, client, job))
        for future in futures:
            future.result()
    return time.monotonic() - started


def db_scalar(sql: str):
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
        return conn.execute(sql).fetchone()[0]


# A bound on waiting for the jobs, far above any catch-up measured (a hung pipeline fails).
CATCH_UP_LIMIT_S = 4 * 3600


def wait_until(sql: str, want, what: str, timeout_s: float) -> float:
    started = time.monotonic()
    while True:
        got = db_scalar(sql)
        if got == want:
            return time.monotonic() - started
        if time.monotonic() - started > timeout_s:
            raise RuntimeError(f"{what}: still {got}, wanted {want}, after {timeout_s:.0f} s")
        time.sleep(0.5)


def order_bodies(network: list[dict], count: int, days: int, rng: random.Random) -> list:
    now = datetime.now(UTC)
    bodies = []
    for i in range(count):
        entry = network[i % len(network)]
        starts = (now + timedelta(days=1 + rng.randrange(days), hours=rng.randrange(24))).replace(
            minute=0, second=0, microsecond=0
        )
        body = {
            "site_id": rng.choice(entry["sites"]),
            "skill": "loader",
            "headcount": 10,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=8)).isoformat(),
            "client_rate": "250.00",
            "worker_rate": "120.00",
            "overbooking_mode": "fixed",
            "overbook_factor": "1.5",
        }
        bodies.append((entry, body))
    return bodies


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def report(recorder: Recorder, phases: list[tuple[str, int, float]], extra: list[str]) -> str:
    lines = [
        "| phase | requests | seconds | held /s |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {n} | {s:.1f} | {n / s:.1f} |" for name, n, s in phases),
        "",
        "| endpoint | calls | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, values in sorted(recorder.latency.items()):
        lines.append(
            f"| {name} | {len(values)} | {statistics.median(values):.1f}"
            f" | {percentile(values, 95):.1f} | {percentile(values, 99):.1f}"
            f" | {max(values):.1f} | {len(recorder.errors.get(name, []))} |"
        )
    for name, errors in recorder.errors.items():
        lines.append(f"- errors of {name} (first 3): {errors[:3]}")
    return "\n".join(lines + [""] + extra)
