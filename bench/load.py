"""A compressed busy day for a franchise network, against the real processes on this machine.

What it does
    Seeds its own database (brigada_load_bench): --branches branches in the largest cities
    of dispatch/data/cities.csv, each with a dispatcher, a foreman, a client with 4 sites,
    and --workers-per-branch workers around the city (vetted, loaders). Starts the API
    (`python -m brigada.cli api`: two uvicorn processes as deployed) and a jobs process
    (`python -m brigada.cli jobs --processes 2 --threads 8`, nice 10: one process per core, the
    API first), the outbox gateway, no sending limit.
    Then, through the public API only:
    1. orders: --orders orders (headcount 10, fixed overbooking 1.5: target 15, a 30-offer
       wave, and no second one: the branches wait the longest a branch may, 4 h, before a
       next wave), spread over the branches and the coming --days days, posted by the
       branches' dispatchers at --order-rate per second; waits until every wave-1 offer
       text is handed to the gateway;
    2. replies: --yes of each order's offered workers answer YES through the signed Twilio
       webhook at --reply-rate per second; waits until every reply is processed;
    3. on site: every order is moved to have started an hour ago (one UPDATE: the
       compression), then each order's foreman marks its booked workers over the API (of 15:
       11 arrived on time, 2 twenty minutes late, 1 released, 1 no-show) at --mark-rate per
       second, round-robin over the orders; then each closes the shift and reads the
       timesheet.
    Reports the requests per second each phase held, p50/p95/p99 per endpoint, errors
    (any non-2xx), how long the jobs took to catch up, the database size, and the peak
    memory (VmHWM) of each API and jobs process, of PostgreSQL's backends of the bench
    database and its own processes, and of Redis (and its used_memory_peak).

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, Redis)
    .venv/bin/python bench/load.py                                   # the issue's scale
    .venv/bin/python bench/load.py --branches 5 --orders 200         # a quick look

    It drops and recreates brigada_load_bench, flushes Redis db 8 (its own) at the start
    and the end, and stops its processes at the end, on error and on Ctrl-C. Logs go to
    bench/results/load-*.log, the figures to stdout and bench/results/load.txt.
"""

import argparse
import contextlib
import math
import os
import random
import secrets
import signal
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stage

RESULTS = stage.RESULTS
DB_NAME = "brigada_load_bench"
WAVE_TIMEOUT_MIN = 240  # the longest a branch may set
REDIS_DB = 8
PORT = stage.free_port()
SETTINGS = stage.settings(database=DB_NAME, redis_db=REDIS_DB, port=PORT)
BASE_URL = SETTINGS["BRIGADA_PUBLIC_URL"]
TWILIO_AUTH_TOKEN = SETTINGS["BRIGADA_TWILIO_AUTH_TOKEN"]
stage.take(SETTINGS)

import httpx  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from api.auth import issue_token  # noqa: E402
from core.db import session_scope  # noqa: E402
from core.settings import get_settings  # noqa: E402
from core.tenancy import SYSTEM  # noqa: E402
from dispatch.registry import clients as client_registry  # noqa: E402
from dispatch.registry import demo, staff  # noqa: E402
from dispatch.registry import service as registry  # noqa: E402
from dispatch.registry import sites as site_registry  # noqa: E402

# --- set-up ----------------------------------------------------------------------------------


def seed(branches: int, per_branch: int, rng: random.Random) -> list[dict]:
    """Branches with a dispatcher, a foreman (running all four sites) and workers."""
    network, phone = [], 0
    cities = demo.load_cities()[:branches]
    for city in cities:
        with session_scope() as session:
            branch = registry.create_branch(
                session,
                actor=SYSTEM,
                code=demo.branch_code(city.name),
                name=city.name,
                timezone=demo.ZONES[city.utc_offset],
                center=city.center,
                # One 30-offer wave per order, as the day is specified: the compression keeps
                # replies back for tens of minutes, which would time every wave out.
                policy={"wave_timeout_min": WAVE_TIMEOUT_MIN},
            )
            client = client_registry.create_client(
                session, actor=SYSTEM, branch_id=branch.id, name=f"Склад {city.name}"
            )
            users = {
                role: staff.create_user(
                    session,
                    actor=SYSTEM,
                    username=f"{role}-{branch.code.lower()}",
                    password=secrets.token_urlsafe(12),
                    role=role,
                    branch_id=branch.id,
                )
                for role in ("dispatcher", "foreman")
            }
            sites = [
                site_registry.create_site(
                    session,
                    actor=SYSTEM,
                    client_id=client.id,
                    name=f"Площадка {n + 1}",
                    address=f"ул. Складская, {n + 1}",
                    location=stage.near(city.center, rng, 5.0),
                    foreman_id=users["foreman"].id,
                )
                for n in range(4)
            ]
            network.append(
                {
                    "branch_id": branch.id,
                    "timezone": branch.timezone,
                    "sites": [s.id for s in sites],
                    "dispatcher": users["dispatcher"].id,
                    "foreman": users["foreman"].id,
                }
            )
        rows = []
        for _ in range(per_branch):
            phone += 1
            home = stage.near(city.center, rng, 12.0)
            rows.append((f"Работник {phone}", f"+7998{phone:07d}", home.ewkt(), network[-1]))
        with (
            psycopg.connect(stage.libpq_url(DB_NAME)) as conn,
            conn.cursor() as cur,
            cur.copy(
                "COPY workers (full_name, phone, home, skills, branch_id, vetted) FROM STDIN"
            ) as copy,
        ):
            for name, number, ewkt, owner in rows:
                copy.write_row((name, number, ewkt, ["loader"], owner["branch_id"], True))
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    settings = get_settings()
    for entry in network:
        entry["office"] = _bearer(settings, entry["dispatcher"])
        entry["site_foreman"] = _bearer(settings, entry["foreman"])
    return network


def _bearer(settings, user_id: int) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(settings, user_id).access_token}"}


# --- processes -------------------------------------------------------------------------------


def group_members(pgid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(entry.path, "stat").read_text()
                if int(stat[stat.rindex(")") + 2 :].split()[2]) == pgid:
                    pids.append(int(entry.name))
    return pids


class MemoryWatch:
    """Peak RSS of every process in the groups and of the servers' processes (PostgreSQL's
    backends of the bench database and its own, Redis), read every second before they exit."""

    def __init__(self, groups: dict[str, int]):
        self.groups, self.peaks = groups, {}
        self.servers: dict[str, dict[int, float]] = defaultdict(dict)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.read()

    def read(self) -> None:
        for name, pgid in self.groups.items():
            for pid in group_members(pgid):
                peak = stage.peak_memory_mb(pid)
                if peak is not None:
                    key = f"{name} pid {pid}"
                    self.peaks[key] = max(self.peaks.get(key, 0.0), peak)
        for pid, what in stage.server_processes(DB_NAME).items():
            peak = stage.peak_memory_mb(pid)
            if peak is not None:
                self.servers[what][pid] = max(self.servers[what].get(pid, 0.0), peak)

    def lines(self) -> list[str]:
        mine = [
            f"- peak memory (VmHWM): {name} {mb:.0f} MB" for name, mb in sorted(self.peaks.items())
        ]
        # A backend's figure counts the shared buffers it touched, shared with the others.
        theirs = [
            f"- peak memory (VmHWM): {what}: {len(peaks)} seen, the largest"
            f" {max(peaks.values()):.0f} MB, median {statistics.median(peaks.values()):.0f} MB"
            for what, peaks in sorted(self.servers.items())
        ]
        return mine + theirs

    def stop(self) -> dict[str, float]:
        self.read()
        self._stop.set()
        return self.peaks


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


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument("--workers-per-branch", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=14, help="orders start over these days")
    parser.add_argument("--yes", type=int, default=20, help="YES replies per order")
    parser.add_argument("--order-rate", type=float, default=20.0)
    parser.add_argument("--reply-rate", type=float, default=150.0)
    parser.add_argument("--mark-rate", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--jobs-processes", type=int, default=2, help="dramatiq processes (one per core)"
    )
    args = parser.parse_args()
    if not (1 <= args.branches <= 50 and 10 <= args.workers_per_branch <= 10_000):
        parser.error("--branches 1-50, --workers-per-branch 10-10,000")
    if not (1 <= args.orders <= 50_000 and 1 <= args.yes <= 30 and 1 <= args.days <= 60):
        parser.error("--orders 1-50,000, --yes 1-30, --days 1-60")
    RESULTS.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    rng = random.Random(args.seed)
    processes, recorder, phases, extra = stage.Processes("load"), Recorder(), [], []
    started = time.monotonic()
    watch = None

    def write_report(when: str) -> str:
        """The figures so far, to bench/results/load.txt: a run cut short keeps what it measured."""
        header = (
            f"bench/load.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
            f" runtime {time.monotonic() - started:.0f} s ({when}); {args.branches} branches x"
            f" {args.workers_per_branch} workers, {args.orders} orders, {args.yes} YES each;"
            f" rates /s: orders {args.order_rate:g}, replies {args.reply_rate:g},"
            f" marks {args.mark_rate:g}; jobs processes {args.jobs_processes}"
        )
        peaks = [] if watch is None else watch.lines()
        out = header + "\n\n" + report(recorder, phases, extra + peaks)
        (RESULTS / "load.txt").write_text(out + "\n")
        return out

    try:
        print(f"seeding {args.branches} branches x {args.workers_per_branch} workers")
        stage.recreate_database(DB_NAME)
        stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        network = seed(args.branches, args.workers_per_branch, rng)
        api = processes.start("api", ["-m", "brigada.cli", "api"], "Application startup complete")
        jobs = processes.start(
            "jobs",
            ["-m", "brigada.cli", "jobs", "--processes", str(args.jobs_processes), "--threads=8"],
            "Worker process is ready",
        )
        watch = MemoryWatch({"api": api.pid, "jobs": jobs.pid})
        time.sleep(3)

        # 1. Orders.
        created: list[dict] = []
        lock = threading.Lock()

        def post_order(client, job):
            entry, body = job
            response = recorder.call(
                client,
                "POST /api/v1/orders",
                "POST",
                "/api/v1/orders",
                json=body,
                headers=entry["office"],
            )
            if response is not None and response.status_code == 201:
                with lock:
                    created.append({**response.json(), "entry": entry})

        bodies = order_bodies(network, args.orders, args.days, rng)
        print(f"1. posting {len(bodies)} orders at {args.order_rate:.0f}/s")
        seconds = paced(bodies, args.order_rate, post_order)
        phases.append(("orders posted", len(bodies), seconds))
        catch_up = wait_until(
            # Wave 1 only: an order still short when its wave times out (wave_timeout_min) sends
            # wave 2, and those texts may go before the last of wave 1.
            "SELECT count(*) FROM offers o JOIN messages m ON m.offer_id = o.id"
            " WHERE o.wave = 1 AND m.kind = 'offer' AND m.provider_sid IS NOT NULL",
            30 * len(created),
            "wave-1 offers sent",
            CATCH_UP_LIMIT_S,
        )
        extra += [
            f"- wave 1 of every order handed to the gateway {catch_up:.1f} s after the last"
            f" order was posted ({30 * len(created)} offers)"
        ]
        write_report("after the orders")

        # 2. Replies.
        with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
            offered = conn.execute(
                "SELECT o.order_id, w.phone FROM offers o JOIN workers w ON w.id = o.worker_id"
                " ORDER BY o.order_id, o.rank"
            ).fetchall()
        by_order = defaultdict(list)
        for order_id, phone in offered:
            by_order[order_id].append(phone)
        codes = {o["id"]: o["code"] for o in created}
        replies = [
            (phone, codes[order_id])
            for order_id, phones in by_order.items()
            for phone in phones[: args.yes]
        ]
        rng.shuffle(replies)
        validator = RequestValidator(TWILIO_AUTH_TOKEN)
        url = f"{BASE_URL}/sms/inbound"

        def reply(client, job):
            phone, code = job
            form = {
                "MessageSid": "SM" + uuid.uuid4().hex,
                "From": phone,
                "To": "+74950000000",
                "Body": f"ДА {code}",
                "NumMedia": "0",
            }
            signature = validator.compute_signature(url, form)
            recorder.call(
                client,
                "POST /sms/inbound",
                "POST",
                "/sms/inbound",
                data=form,
                headers={"X-Twilio-Signature": signature},
            )

        print(f"2. {len(replies)} YES replies at {args.reply_rate:.0f}/s")
        seconds = paced(replies, args.reply_rate, reply)
        phases.append(("replies", len(replies), seconds))
        catch_up = wait_until(
            "SELECT count(*) FROM messages WHERE direction = 'in' AND status <> 'processed'",
            0,
            "replies processed",
            CATCH_UP_LIMIT_S,
        )
        booked = db_scalar("SELECT count(*) FROM offers WHERE status = 'booked'")
        extra.append(f"- every reply acted on {catch_up:.1f} s after the last; {booked} booked")
        write_report("after the replies")

        # 3. On site: the compression, then marks, close and timesheet per order.
        with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
            conn.execute(
                "UPDATE orders SET starts_at = now() - interval '1 hour',"
                " ends_at = now() + interval '7 hours' WHERE status <> 'cancelled'"
            )
            rows = conn.execute(
                "SELECT f.order_id, f.worker_id, o.starts_at FROM offers f"
                " JOIN orders o ON o.id = f.order_id WHERE f.status = 'booked'"
                " ORDER BY f.order_id, f.worker_id"
            ).fetchall()
        crews, starts = defaultdict(list), {}
        for order_id, worker_id, starts_at in rows:
            crews[order_id].append(worker_id)
            starts[order_id] = starts_at
        foremen = {o["id"]: o["entry"]["site_foreman"] for o in created}

        def what_happened(order_id: int, i: int) -> dict:
            """A crew of 15: 11 on time, 2 twenty minutes late, 1 sent home, 1 never came."""
            crew_size, start = len(crews[order_id]), starts[order_id]
            if i == crew_size - 1:
                return {"status": "no_show"}
            if i == crew_size - 2:
                return {"status": "released"}
            late = timedelta(minutes=20) if i % 6 == 5 else timedelta(minutes=-10)
            return {"status": "arrived", "at": (start + late).isoformat()}

        # Round-robin over the orders: many foremen marking at once, each one worker at a time
        # (marks of one order in a burst would only queue on that order's row lock).
        marks = [
            (order_id, crew[i], what_happened(order_id, i))
            for i in range(max(map(len, crews.values()), default=0))
            for order_id, crew in crews.items()
            if i < len(crew)
        ]

        def mark(client, job):
            order_id, worker_id, what = job
            recorder.call(
                client,
                "POST /api/v1/orders/{id}/attendance",
                "POST",
                f"/api/v1/orders/{order_id}/attendance",
                json={"worker_id": worker_id, **what},
                headers=foremen[order_id],
            )

        print(f"3. {len(marks)} marks at {args.mark_rate:.0f}/s, then {len(crews)} closes")
        seconds = paced(marks, args.mark_rate, mark)
        phases.append(("attendance marks", len(marks), seconds))
        write_report("after the marks")

        def close(client, order_id):
            headers = foremen[order_id]
            recorder.call(
                client,
                "POST /api/v1/orders/{id}/close",
                "POST",
                f"/api/v1/orders/{order_id}/close",
                headers=headers,
            )
            recorder.call(
                client,
                "GET /api/v1/orders/{id}/timesheet",
                "GET",
                f"/api/v1/orders/{order_id}/timesheet",
                headers=headers,
            )

        seconds = paced(list(crews), args.mark_rate / 2, close)
        phases.append(("closes + timesheets", 2 * len(crews), seconds))
        size = db_scalar(f"SELECT pg_size_pretty(pg_database_size('{DB_NAME}'))")
        counts = db_scalar(
            "SELECT format('%s orders, %s offers, %s messages, %s ledger entries',"
            " (SELECT count(*) FROM orders), (SELECT count(*) FROM offers),"
            " (SELECT count(*) FROM messages), (SELECT count(*) FROM penalty_events))"
        )
        extra += [f"- database {size}: {counts}"]
        memory = redis.Redis.from_url(SETTINGS["BRIGADA_REDIS_URL"]).info("memory")
        extra += [
            f"- Redis used_memory_peak {memory['used_memory_peak'] / 2**20:.1f} MB (the whole"
            " server's since it started)"
        ]
        watch.stop()  # a last reading of every process's peak
        print("\n" + write_report("complete"))
    finally:
        if watch is not None:
            watch.stop()
        processes.stop_all()
        with contextlib.suppress(redis.RedisError):
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])


if __name__ == "__main__":
    main()
