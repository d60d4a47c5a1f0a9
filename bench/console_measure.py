"""The console bench's timings: the ids its pages are filled with, signing in through the
console's form, each page timed request by request, and the CPU the API used meanwhile.
"""

import contextlib
import math
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import stage
from console_seed import BASE_URL, PASSWORD

TARGET_P95_MS = 150.0


# -- measuring -------------------------------------------------------------------------------


def picks(conn: psycopg.Connection, foreman_id: int) -> dict[str, list[int]]:
    """Real ids for the placeholders of PAGES, a few of each, most telling first."""
    ids = {
        "order": "SELECT id FROM orders WHERE status IN ('filling', 'filled', 'short',"
        " 'in_progress') AND starts_at::date = now()::date ORDER BY booking_target DESC LIMIT 8",
        "coming_order": "SELECT id FROM orders WHERE status IN ('filling', 'open', 'filled')"
        " AND starts_at > now() + interval '20 hours' ORDER BY starts_at LIMIT 8",
        "past_order": "SELECT id FROM orders WHERE status = 'completed'"
        " ORDER BY starts_at DESC LIMIT 8",
        "worker": "SELECT worker_id FROM offers GROUP BY worker_id ORDER BY count(*) DESC LIMIT 8",
        "branch": "SELECT id FROM branches ORDER BY id LIMIT 1",
        "client": "SELECT client_id FROM orders GROUP BY client_id ORDER BY count(*) DESC LIMIT 4",
        "site": "SELECT site_id FROM orders GROUP BY site_id ORDER BY count(*) DESC LIMIT 4",
        "foreman_order": "SELECT o.id FROM orders o JOIN sites s ON s.id = o.site_id WHERE"
        f" s.foreman_id = {foreman_id} AND o.status = 'in_progress' ORDER BY o.id LIMIT 4",
    }
    found = {name: [r[0] for r in conn.execute(sql)] for name, sql in ids.items()}
    empty = [name for name, values in found.items() if not values]
    if empty:
        raise SystemExit(f"no ids for {empty}: rerun with --reload")
    return found


def sign_in(username: str) -> httpx.Client:
    """A client holding a real console session cookie, signed in through the form."""
    client = httpx.Client(base_url=BASE_URL, trust_env=False, timeout=30.0)
    assert client.base_url.host == stage.HOST
    client.get("/console/login").raise_for_status()
    csrf = client.cookies.get("brigada_csrf")
    answer = client.post(
        "/console/login", data={"username": username, "password": PASSWORD, "csrf": csrf}
    )
    if answer.status_code != 303 or "brigada_session" not in client.cookies:
        raise RuntimeError(f"sign-in as {username}: {answer.status_code} {answer.text[:200]}")
    return client


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(group: int) -> tuple[float, float]:
    """CPU seconds used so far by the machine (all cores) and by a process group."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    machine = sum(values[i] for i in (0, 1, 2, 5, 6, 7)) / TICK
    ours = 0.0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = Path(entry.path, "stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                if int(fields[2]) == group:
                    ours += (int(fields[11]) + int(fields[12])) / TICK
    return machine, ours


@dataclass
class PageResult:
    name: str
    path: str
    times_ms: list[float]
    size_kb: float

    def row(self) -> str:
        t = self.times_ms
        p95 = percentile(t, 95)
        verdict = "yes" if p95 < TARGET_P95_MS else "**no**"
        return (
            f"| {self.name} | `{self.path}` | {len(t)} | {statistics.median(t):.1f}"
            f" | {p95:.1f} | {percentile(t, 99):.1f} | {max(t):.1f} | {self.size_kb:.0f}"
            f" | {verdict} |"
        )


def measure(client: httpx.Client, name: str, path: str, fill: dict, warmup: int, n: int):
    paths = [path.format(**{k: v[i % len(v)] for k, v in fill.items()}) for i in range(8)]
    times, size = [], 0
    for i in range(warmup + n):
        url = paths[i % len(paths)]
        started = time.perf_counter()
        answer = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if answer.status_code != 200:
            raise RuntimeError(f"{name}: GET {url} answered {answer.status_code}")
        if i >= warmup:
            times.append(elapsed)
            size = max(size, len(answer.content))
    return PageResult(name, path, times, size / 1024)


def table(results: list[PageResult]) -> str:
    lines = [
        f"| page | path | requests | p50 ms | p95 ms | p99 ms | max ms | KB"
        f" | p95 < {TARGET_P95_MS:.0f} ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    return "\n".join(lines + [r.row() for r in results])
