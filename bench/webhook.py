"""Webhook and first-wave benchmark: Twilio's inbound SMS webhook under a fixed offered load,
and the time from a new order to the last offer of its first wave handed to the SMS gateway.

What it measures
    1. POST /sms/inbound on the real API (`python -m brigada.cli api`: uvicorn with
       --web-concurrency processes, default 2 as deployed) with signed, Twilio-shaped form
       posts: a unique MessageSid each, Body like "ДА 482", From a seeded worker's phone.
       Open loop: request i is due at start + i / rate whatever the answers do, and its
       latency counts from when it was due, so neither a slow server nor a late client
       hides queueing. Not counted: 15 s at 100/s once the API is up (its pools fill) and
       3 s at each rate before it is measured. Per offered rate: the
       achieved rate (200s / time from the first due to the last answer), p50 / p95 / p99 /
       max, non-200 answers, rows stored, the API's own middleware timing (GET /metrics), new
       database sessions, and where the CPU went (/proc: the API, jobs, PostgreSQL, Redis,
       this client, anything else). Defaults: 200/s (target p95 < 50 ms), 250, 300 and 400/s
       with the API alone, then 200/s with a jobs process acting on the replies as they come
       (per reply: an sms.inbound job that queues a "no open offer" text, and its sms.send
       job), as it would on one 2-core host, on a freshly restarted and warmed-up API (the
       400/s overload before leaves its heap and pools grown; --same-api skips the restart).
    2. With a jobs process (`python -m brigada.cli jobs --threads 8`: at nice 10, as deployed), the
       outbox gateway and no sending limit: orders posted through POST /api/v1/orders (as a
       dispatcher with a token from POST /api/v1/auth/token; headcount 10, fixed overbooking
       1.5, wave multiple 2: a 30-offer first wave, at one of 6 sites among 5,000 workers
       within 15 km). For each, the last offer message's sent_at minus the order's created_at
       (both in the database; created_at is when the POST's transaction began) and, as a
       cross-check, the wall clock from the POST's answer until a poller (every 10 ms) sees
       all 30 'sent'. First N orders one at a time, 3 s apart so the jobs process is idle
       when each comes (as between a dispatcher's orders), then a burst posted back to back.

The client: one process per 150 requests/s (dealt round-robin from one schedule), each with
32 threads sharing an httpx client with 32 keep-alive connections. One Python process with
httpx costs ~0.7-1 ms of CPU per request; a single one cannot offer 400/s on this machine,
and once behind it queues in its own pool and measures itself instead of the server.

How to run (from the repository root; PostgreSQL + PostGIS on 127.0.0.1:5432, user postgres;
Redis on 127.0.0.1:6379; best on an otherwise idle machine: each run waits up to 60 s for
one and reports other processes' CPU)
    .venv/bin/python bench/webhook.py                  # ~5 min
    .venv/bin/python bench/webhook.py --rates 200 400 --duration 20 --orders 30 --burst 10

    It drops and recreates its own database, brigada_webhook_bench (PostGIS, the project's
    Alembic migrations), flushes Redis db 9 (its own) at the start and the end, and starts
    the API and jobs processes on a free port; every request goes to 127.0.0.1 (where the API
    listens: `brigada api`'s default BRIGADA_HOST). The processes are stopped at the end, on
    error and on Ctrl-C or SIGTERM. Their logs go to bench/results/webhook-*.log, the figures
    to stdout and bench/results/webhook.txt.
"""

import argparse
import contextlib
import math
import multiprocessing
import os
import random
import secrets
import signal
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import stage

RESULTS, HOST = stage.RESULTS, stage.HOST
DB_NAME = "brigada_webhook_bench"
REDIS_DB = 9
PORT = stage.free_port()
SETTINGS = stage.settings(database=DB_NAME, redis_db=REDIS_DB, port=PORT)
BASE_URL = SETTINGS["BRIGADA_PUBLIC_URL"]
TWILIO_AUTH_TOKEN = SETTINGS["BRIGADA_TWILIO_AUTH_TOKEN"]
stage.take(SETTINGS)

import httpx  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402
from twilio.request_validator import RequestValidator  # noqa: E402

from core.db import session_scope  # noqa: E402
from core.tenancy import SYSTEM  # noqa: E402
from dispatch.models import Branch, Client, Site  # noqa: E402
from dispatch.registry import staff  # noqa: E402
from dispatch.registry.knobs import DEFAULTS  # noqa: E402
from geo.points import Point  # noqa: E402

MOSCOW = Point(lat=55.7540, lon=37.6204)
USERNAME, PASSWORD = "bench-dispatcher", secrets.token_urlsafe(16)
ACCOUNT_SID = "AC" + uuid.uuid4().hex
SERVICE_SID = "MG" + uuid.uuid4().hex
OUR_NUMBER = "+74951234567"
REPLIES = ("ДА", "ДА", "ДА", "да", "НЕТ", "Да")  # followed by a 3-digit order code
API_WARMUP_S = 15  # at 100/s after the API starts: its pools fill, its first full GCs run
WARMUP_S = 3.0  # before each measured rate, at that rate, not counted
LANE_RATE = 150  # requests/s per client process
LANE_THREADS = 32  # threads and keep-alive connections per client process
REQUEST_TIMEOUT_S = 10.0
POLL_S = 0.01
ORDER_TIMEOUT_S = 30.0
HEADCOUNT = 10  # fixed 1.5 -> target 15; wave multiple 2 -> 30 offers
BUSY = 0.10  # share of a core other processes may use before a figure is marked not clean


# ---------------------------------------------------------------------------------------------
# Database, Redis and seed data


def offset(point: Point, rng: random.Random, max_km: float) -> Point:
    """A point up to max_km from point, uniform in distance (denser near the centre)."""
    distance, bearing = max_km * rng.random(), rng.uniform(0, 2 * math.pi)
    dlat = distance / 111.32 * math.cos(bearing)
    dlon = distance / (111.32 * math.cos(math.radians(point.lat))) * math.sin(bearing)
    return Point(lat=round(point.lat + dlat, 6), lon=round(point.lon + dlon, 6))


@dataclass
class Scene:
    site_ids: list[int]
    phones: list[str]


def seed(workers: int, sites: int, rng: random.Random) -> Scene:
    """A Moscow branch with the defaults of tests/builders.py make_branch, a client, sites
    within 5 km of the centre, a dispatcher, and workers within 15 km (~90% eligible)."""
    with session_scope() as session:
        branch = Branch(
            code="MSK", name="Москва", timezone="Europe/Moscow", center=MOSCOW.to_db(), **DEFAULTS
        )
        session.add(branch)
        session.flush()
        client = Client(branch_id=branch.id, name="ООО Склад-Логистик")
        session.add(client)
        session.flush()
        site_rows = [
            Site(
                client_id=client.id,
                name=f"Склад {i + 1}",
                address=f"ул. Складская, {i + 1}",
                location=offset(MOSCOW, rng, 5.0).to_db(),
                geofence_m=250,
            )
            for i in range(sites)
        ]
        session.add_all(site_rows)
        staff.create_user(
            session,
            actor=SYSTEM,
            username=USERNAME,
            password=PASSWORD,
            role="dispatcher",
            branch_id=branch.id,
        )
        session.flush()
        site_ids, branch_id = [s.id for s in site_rows], branch.id
    phones, rows = [], []
    for i in range(workers):
        phone = f"+7999{i:07d}"
        phones.append(phone)
        home = offset(MOSCOW, rng, 15.0)
        skills = ["loader"] if rng.random() < 0.7 else ["loader", rng.choice(["mover", "packer"])]
        rows.append(
            (
                f"Работник {i}",
                phone,
                home.ewkt(),
                skills,
                branch_id,
                rng.random() > 0.1,  # vetted
                round(rng.uniform(2.5, 5.0), 2),
                round(rng.uniform(0.5, 1.0), 3),
            )
        )
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO workers (full_name, phone, home, skills, branch_id, vetted, rating,"
            " reliability) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return Scene(site_ids=site_ids, phones=phones)


# ---------------------------------------------------------------------------------------------
# Processes and CPU accounting


TICK = os.sysconf("SC_CLK_TCK")
API_ARGS = ["-m", "brigada.cli", "api"]


def ours_or_shared(proc_dir: str) -> bool:
    """A PostgreSQL process that serves this benchmark's database, or the whole server
    (postmaster, checkpointer, WAL writer...); not a backend of another database."""
    try:
        title = Path(proc_dir, "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return f" {DB_NAME} " in title or "(" not in title


def cpu_by_owner(groups: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far: per process group given, by PostgreSQL (for our database),
    by Redis, by this process and its client processes; and the machine's (all cores)."""
    used = dict.fromkeys([*groups, "postgres", "redis", "bench client"], 0.0)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        pgrp, seconds = int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK
        if comm == "postgres":  # and its exited backends (the postmaster waited for them)
            seconds += (int(fields[13]) + int(fields[14])) / TICK
        owner = next((name for name, group in groups.items() if group == pgrp), None)
        if owner is None and int(entry.name) == os.getpid():
            owner = "bench client"  # with its client processes, once reaped
            seconds += (int(fields[13]) + int(fields[14])) / TICK
        elif owner is None and comm == "postgres" and ours_or_shared(entry.path):
            owner = "postgres"
        elif owner is None and comm.startswith("redis-server"):
            owner = "redis"
        if owner is not None:
            used[owner] += seconds
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    # user + nice + system + irq + softirq + steal (guest time is counted in user already)
    used["machine"] = sum(values[i] for i in (0, 1, 2, 5, 6, 7)) / TICK
    return used


def wait_for_quiet(max_wait_s: float, busy_limit: float = BUSY) -> float:
    """Wait until the machine is nearly idle (other work skews every figure on 2 cores);
    returns the busy share of one core in the last 2 s sampled."""
    deadline = time.monotonic() + max_wait_s
    while True:
        before = cpu_by_owner({})["machine"]
        time.sleep(2)
        busy = (cpu_by_owner({})["machine"] - before) / 2
        if busy < busy_limit or time.monotonic() > deadline:
            return busy


def cpu_line(
    before: dict[str, float], after: dict[str, float], seconds: float
) -> tuple[str, float]:
    """Where the CPU went, and the share of a core that processes not ours used."""
    used = {name: (after[name] - before[name]) / seconds for name in after}
    other = max(0.0, used.pop("machine") - sum(used.values()))
    parts = [f"{name} {share:.0%}" for name, share in used.items() if share > 0.005]
    line = f"CPU (100% = one core of {os.cpu_count()}): {', '.join(parts)}, other {other:.0%}"
    return line + f"; all {sum(used.values()) + other:.0%}", other


# ---------------------------------------------------------------------------------------------
# 1. The inbound webhook, open loop


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def signed_requests(
    count: int, tag: str, phones: list[str], rng: random.Random
) -> list[tuple[bytes, dict]]:
    """Form posts as Twilio sends them, each with a fresh MessageSid and its signature."""
    url = f"{BASE_URL}/sms/inbound"
    validator = RequestValidator(TWILIO_AUTH_TOKEN)
    requests = []
    for _ in range(count):
        sid = f"SM{tag}{uuid.uuid4().hex[len(tag) :]}"
        form = {
            "ToCountry": "RU",
            "ToState": "",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "ToCity": "",
            "FromZip": "",
            "SmsSid": sid,
            "FromState": "",
            "SmsStatus": "received",
            "FromCity": "",
            "Body": f"{rng.choice(REPLIES)} {rng.randint(100, 999)}",
            "FromCountry": "RU",
            "To": OUR_NUMBER,
            "MessagingServiceSid": SERVICE_SID,
            "ToZip": "",
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": rng.choice(phones),
            "ApiVersion": "2010-04-01",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(url, form),
            "User-Agent": "TwilioProxy/1.1",
        }
        requests.append((urlencode(form).encode(), headers))
    return requests


@dataclass
class LoadResult:
    offered: float
    sent: int
    ok: int
    errors: dict[str, int]
    latencies_ms: list[float]  # of the 200s, from when each request was due
    lag_ms: list[float]  # how late the client issued each request
    elapsed_s: float  # first due to last answer
    client_cpu_s: float  # CPU of the client processes

    @property
    def achieved(self) -> float:
        return self.ok / self.elapsed_s


def lane(
    requests: list[tuple[bytes, dict]], slots: range, rate: float, start: float
) -> tuple[list[tuple[float, float, float, str]], float]:
    """Issue requests[k] at start + slots[k] / rate (time.monotonic()) from a pool of threads
    sharing one httpx client (keep-alive connections), never waiting for answers before
    sending the next one. Bounded: len(requests) sends; a request is given up when its turn
    comes more than REQUEST_TIMEOUT_S late, and each has a timeout. Returns (due, issued,
    finished, status) per request and the CPU seconds this process used."""
    url = f"{BASE_URL}/sms/inbound"
    assert httpx.URL(url).host == HOST
    cpu = time.process_time()
    limits = httpx.Limits(max_connections=LANE_THREADS, max_keepalive_connections=LANE_THREADS)
    with (
        httpx.Client(limits=limits, timeout=REQUEST_TIMEOUT_S, trust_env=False) as client,
        ThreadPoolExecutor(LANE_THREADS) as threads,
    ):

        def one(body: bytes, headers: dict, due: float) -> tuple[float, float, float, str]:
            issued = time.monotonic()
            if issued - due > REQUEST_TIMEOUT_S:
                return due, issued, issued, "not sent: client over 10 s behind"
            try:
                status = str(client.post(url, content=body, headers=headers).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            return due, issued, time.monotonic(), status

        sent = []
        for slot, (body, headers) in zip(slots, requests, strict=True):
            due = start + slot / rate
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            sent.append(threads.submit(one, body, headers, due))
        rows = [future.result() for future in sent]
    return rows, time.process_time() - cpu


def run_lane(args: tuple) -> tuple[list[tuple[float, float, float, str]], float]:
    return lane(*args)


def open_loop(requests: list[tuple[bytes, dict]], rate: float) -> LoadResult:
    """Request i is due at start + i / rate, whatever the answers do. The schedule is dealt
    round-robin to one client process per LANE_RATE requests/s, so that the client's own
    Python (~0.7 ms of CPU per request with httpx) never queues behind one GIL."""
    lanes = max(1, math.ceil(rate / LANE_RATE))
    with multiprocessing.get_context("fork").Pool(lanes) as pool:
        start = time.monotonic() + 0.3
        work = [
            (requests[j::lanes], range(j, len(requests), lanes), rate, start) for j in range(lanes)
        ]
        parts = pool.map(run_lane, work)
        pool.close()
        pool.join()
    rows = [row for part, _ in parts for row in part]
    client_cpu = sum(cpu for _, cpu in parts)
    errors: dict[str, int] = {}
    latencies, lags = [], []
    for due, issued, finished, status in rows:
        lags.append((issued - due) * 1000)
        if status == "200":
            latencies.append((finished - due) * 1000)
        else:
            errors[status] = errors.get(status, 0) + 1
    elapsed = max(finished for _, _, finished, _ in rows) - start
    return LoadResult(
        rate, len(requests), len(latencies), errors, latencies, lags, elapsed, client_cpu
    )


def stored_replies(tag: str) -> int:
    with psycopg.connect(stage.libpq_url(DB_NAME)) as conn:
        return conn.execute(
            "SELECT count(*) FROM messages WHERE direction = 'in' AND provider_sid LIKE %s",
            (f"SM{tag}%",),
        ).fetchone()[0]


def wait_for_replies_handled(tag: str, timeout_s: float) -> float:
    """Until every reply of this run is processed and every text is out; seconds waited."""
    started = time.monotonic()
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        while time.monotonic() - started < timeout_s:
            left = conn.execute(
                "SELECT count(*) FROM messages WHERE (status = 'received' AND provider_sid LIKE %s)"
                " OR (status = 'queued' AND direction = 'out')",
                (f"SM{tag}%",),
            ).fetchone()[0]
            if left == 0:
                break
            time.sleep(0.1)
    return time.monotonic() - started


def db_sessions() -> int:
    """Sessions ever opened to the bench database (new connections, PostgreSQL 14+)."""
    with psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn:
        return conn.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", (DB_NAME,)
        ).fetchone()[0]


@dataclass
class WebhookRow:
    label: str
    result: LoadResult
    stored: int
    notes: str  # CPU, in-app timing, sessions, client


def in_app_buckets() -> dict[str, float]:
    """The API's own latency histogram of POST /sms/inbound (api/metrics.py), cumulative."""
    text = httpx.get(f"{BASE_URL}/metrics", trust_env=False).text
    prefix = "brigada_http_request_seconds_bucket{"
    buckets = {}
    for line in text.splitlines():
        if line.startswith(prefix) and 'route="/sms/inbound"' in line:
            le = line.split('le="')[1].split('"')[0]
            buckets[le] = float(line.rsplit(" ", 1)[1])
    return buckets


def webhook_phase(
    label: str, tag: str, rate: float, duration_s: float, scene: Scene, groups: dict[str, int]
) -> WebhookRow:
    if (busy := wait_for_quiet(60)) >= BUSY:
        print(f"    warning: the machine is busy ({busy:.0%} of a core) before this run")
    rng = random.Random(tag)
    open_loop(signed_requests(int(rate * WARMUP_S), "w" + tag, scene.phones, rng), rate)
    requests = signed_requests(int(rate * duration_s), tag, scene.phones, rng)
    sessions, buckets = db_sessions(), in_app_buckets()
    before, started = cpu_by_owner(groups), time.monotonic()
    result = open_loop(requests, rate)
    notes, other = cpu_line(before, cpu_by_owner(groups), time.monotonic() - started)
    if other > BUSY:
        label += f" (other processes used {other:.0%} of a core: not clean)"
    after = in_app_buckets()
    handled = after["+Inf"] - buckets.get("+Inf", 0)
    in_app = {le: (after[le] - buckets.get(le, 0)) / handled for le in ("0.01", "0.05", "0.25")}
    notes += (
        f"; in the app (middleware timing) <=10 ms {in_app['0.01']:.1%}, <=50 ms"
        f" {in_app['0.05']:.1%}, <=250 ms {in_app['0.25']:.1%}"
        f"; {db_sessions() - sessions} new database sessions"
        f"; client: {result.client_cpu_s / result.sent * 1000:.2f} ms CPU per request,"
        f" late to send p99 {percentile(result.lag_ms, 99):.1f} ms"
    )
    row = WebhookRow(label, result, stored_replies(tag), notes)
    print(webhook_table([row]).splitlines()[-1])
    print(f"    {notes}")
    return row


def webhook_table(rows: list[WebhookRow]) -> str:
    lines = [
        "| POST /sms/inbound | offered /s | sent | achieved /s | p50 ms | p95 ms | p99 ms"
        " | max ms | non-200 | rows stored |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        r = row.result
        errors = ", ".join(f"{n} x{k}" for k, n in r.errors.items()) if r.errors else "0"
        lat = r.latencies_ms or [math.nan]
        lines.append(
            f"| {row.label} | {r.offered:.0f} | {r.sent} | {r.achieved:.1f} "
            f"| {statistics.median(lat):.1f} | {percentile(lat, 95):.1f} "
            f"| {percentile(lat, 99):.1f} | {max(lat):.1f} | {errors} | {row.stored} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# 2. From a new order to its first wave handed to the gateway


@dataclass
class OrderTiming:
    order_id: int
    offers: int
    db_s: float  # last offer's sent_at - order created_at
    wall_s: float  # POST answered -> poller saw every offer 'sent'
    pickup_s: float  # order created_at -> the fill job's transaction began
    fill_s: float  # the fill job's transaction began -> first offer sent
    sending_s: float  # first offer sent -> last offer sent


def login(client: httpx.Client) -> dict[str, str]:
    answer = client.post("/api/v1/auth/token", data={"username": USERNAME, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def post_order(client: httpx.Client, headers: dict, site_id: int, starts: datetime) -> int:
    answer = client.post(
        "/api/v1/orders",
        headers=headers,
        json={
            "site_id": site_id,
            "skill": "loader",
            "headcount": HEADCOUNT,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=8)).isoformat(),
            "client_rate": "250.00",
            "worker_rate": "120.00",
        },
    )
    if answer.status_code != 201:
        raise RuntimeError(f"POST /api/v1/orders: {answer.status_code} {answer.text[:300]}")
    return answer.json()["id"]


WAVE_SQL = """
    SELECT o.wave, count(m.id), count(m.id) FILTER (WHERE m.status = 'sent'),
           extract(epoch FROM max(m.sent_at) - o.created_at),
           extract(epoch FROM min(m.created_at) - o.created_at),
           extract(epoch FROM min(m.sent_at) - min(m.created_at)),
           extract(epoch FROM max(m.sent_at) - min(m.sent_at))
    FROM orders o LEFT JOIN messages m ON m.order_id = o.id AND m.kind = 'offer'
    WHERE o.id = %s GROUP BY o.id"""


def wait_for_wave(conn: psycopg.Connection, order_id: int, answered: float) -> OrderTiming:
    """Poll until the order's first wave is out and every one of its offers is 'sent'."""
    while time.perf_counter() - answered < ORDER_TIMEOUT_S:
        wave, offers, sent, *stages = conn.execute(WAVE_SQL, (order_id,)).fetchone()
        if wave >= 1 and offers and sent == offers:
            wall = time.perf_counter() - answered
            db_s, pickup_s, fill_s, sending_s = (float(v) for v in stages)
            return OrderTiming(order_id, offers, db_s, wall, pickup_s, fill_s, sending_s)
        time.sleep(POLL_S)
    raise RuntimeError(f"order {order_id}: wave 1 not sent after {ORDER_TIMEOUT_S:.0f} s")


def orders_phase(scene: Scene, count: int, burst: int, gap_s: float) -> tuple[list, list]:
    """`count` orders one at a time, each waited for and then gap_s of quiet (so the jobs
    process is idle when the next comes, as between a dispatcher's orders), then `burst`
    orders posted back to back."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    single, bursty = [], []
    with (
        httpx.Client(base_url=BASE_URL, trust_env=False, timeout=REQUEST_TIMEOUT_S) as client,
        psycopg.connect(stage.libpq_url(DB_NAME), autocommit=True) as conn,
    ):
        headers = login(client)
        for i in range(count):
            order_id = post_order(client, headers, scene.site_ids[i % len(scene.site_ids)], starts)
            single.append(wait_for_wave(conn, order_id, time.perf_counter()))
            time.sleep(gap_s)
        posted = []
        for i in range(burst):
            order_id = post_order(client, headers, scene.site_ids[i % len(scene.site_ids)], starts)
            posted.append((order_id, time.perf_counter()))
        bursty = [wait_for_wave(conn, order_id, answered) for order_id, answered in posted]
    return single, bursty


def orders_table(rows: list[tuple[str, list[OrderTiming]]]) -> str:
    lines = [
        "| order created -> last wave-1 offer sent | orders | offers each | p50 s | p95 s"
        " | max s | wall p50 / p95 s | p50 s: job picked up / fill job to 1st sent / 1st to last |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, timings in [(label, timings) for label, timings in rows if timings]:
        db, wall = [t.db_s for t in timings], [t.wall_s for t in timings]
        offers = "/".join(map(str, sorted({t.offers for t in timings})))
        stages = " / ".join(
            f"{statistics.median(getattr(t, name) for t in timings):.3f}"
            for name in ("pickup_s", "fill_s", "sending_s")
        )
        lines.append(
            f"| {label} | {len(timings)} | {offers} | {statistics.median(db):.3f}"
            f" | {percentile(db, 95):.3f} | {max(db):.3f}"
            f" | {statistics.median(wall):.3f} / {percentile(wall, 95):.3f} | {stages} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[200, 250, 300, 400])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per rate")
    parser.add_argument("--with-jobs-rate", type=float, default=200, help="0: skip that run")
    parser.add_argument("--orders", type=int, default=30)
    parser.add_argument("--order-gap", type=float, default=3.0, help="seconds between orders")
    parser.add_argument("--burst", type=int, default=10)
    parser.add_argument("--workers", type=int, default=5000)
    parser.add_argument("--sites", type=int, default=6)
    parser.add_argument(
        "--same-api",
        action="store_true",
        help="run the jobs rate on the API the rates before loaded (default: a fresh one)",
    )
    parser.add_argument(
        "--web-concurrency", type=int, default=2, help="uvicorn processes (BRIGADA_WEB_CONCURRENCY)"
    )
    args = parser.parse_args()
    if not all(0 < r <= 2000 for r in [*args.rates, args.with_jobs_rate or 1]):
        parser.error("rates must be 1-2000 per second")
    if not 1 <= args.duration <= 120 or not 0 <= args.order_gap <= 60:
        parser.error("--duration must be 1-120 s, --order-gap 0-60 s")
    if not (0 <= args.orders <= 500 and 0 <= args.burst <= 100 and 100 <= args.workers <= 10**6):
        parser.error("--orders 0-500, --burst 0-100, --workers 100-1,000,000")
    if not 1 <= args.web_concurrency <= 8:
        parser.error("--web-concurrency must be 1-8")
    os.environ["BRIGADA_WEB_CONCURRENCY"] = str(args.web_concurrency)
    api_shape = f"uvicorn, {args.web_concurrency} process{'es' if args.web_concurrency > 1 else ''}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the finally below
    processes = stage.Processes("webhook")
    started = time.monotonic()
    try:
        print(f"database {DB_NAME}: recreating, migrating, seeding {args.workers} workers")
        stage.recreate_database(DB_NAME)
        stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        scene = seed(args.workers, args.sites, random.Random(1))
        api = processes.start("api", API_ARGS, "Application startup complete")
        groups = {"api": api.pid}
        print(f"API on {BASE_URL} ({api_shape}), pid {api.pid}; warming up")
        wait_for_quiet(60)
        open_loop(signed_requests(API_WARMUP_S * 100, "ww", scene.phones, random.Random(2)), 100)

        webhook_rows = []
        for k, rate in enumerate(args.rates):
            label = f"{rate:.0f}/s, API alone"
            webhook_rows.append(
                webhook_phase(label, f"{k:02d}", rate, args.duration, scene, groups)
            )
            time.sleep(2)
        stage.flush_redis(
            SETTINGS["BRIGADA_REDIS_URL"]
        )  # the replies' jobs: nobody was there to run them; drop them
        if args.with_jobs_rate and args.rates and not args.same_api:
            # An API just driven past its limit has grown its heap and pools: the steady state
            # a deployment runs in is a fresh one (--same-api measures the other).
            processes.stop("api")
            api = processes.start("api", API_ARGS, "Application startup complete")
            groups["api"] = api.pid
            wait_for_quiet(60)
            warm = signed_requests(API_WARMUP_S * 100, "wx", scene.phones, random.Random(3))
            open_loop(warm, 100)
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
        if args.with_jobs_rate or args.orders or args.burst:
            jobs_args = ["-m", "brigada.cli", "jobs", "--threads", "8"]  # nice 10, as deployed
            jobs = processes.start("jobs", jobs_args, "Worker process is ready for action")
            groups["jobs"] = jobs.pid
        if args.with_jobs_rate:
            rate = args.with_jobs_rate
            label = f"{rate:.0f}/s, jobs process acting on the replies"
            webhook_rows.append(webhook_phase(label, "99", rate, args.duration, scene, groups))
            drained = wait_for_replies_handled("99", 120)
            print(f"    replies handled and their texts sent {drained:.1f} s after the load")
        else:
            drained = None
        single, bursty, orders_notes = [], [], []
        if args.orders or args.burst:
            print(
                f"orders: {args.orders} one at a time, {args.order_gap:.0f} s apart,"
                f" then a burst of {args.burst}"
            )
            wait_for_quiet(60)
            before, t0 = cpu_by_owner(groups), time.monotonic()
            single, bursty = orders_phase(scene, args.orders, args.burst, args.order_gap)
            cpu, other = cpu_line(before, cpu_by_owner(groups), time.monotonic() - t0)
            busy = " (other processes were busy: not clean)" if other > BUSY else ""
            orders_notes = [
                "",
                orders_table(
                    [
                        ("one at a time", single),
                        (f"burst of {args.burst} posted back to back", bursty),
                    ]
                ),
                "",
                f"- {cpu}{busy}",
            ]
    finally:
        processes.stop_all()
        with contextlib.suppress(redis.RedisError):
            stage.flush_redis(SETTINGS["BRIGADA_REDIS_URL"])
    runtime = time.monotonic() - started
    report = "\n".join(
        [
            f"bench/webhook.py, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores,"
            f" runtime {runtime:.0f} s; API: {api_shape}; {args.workers} workers",
            "",
            webhook_table(webhook_rows),
            "",
            *(f"- {row.label}: {row.notes}" for row in webhook_rows),
            *(
                [f"- replies handled, texts sent: {drained:.1f} s after the load ended"]
                if drained is not None
                else []
            ),
            *orders_notes,
        ]
    )
    print("\n" + report)
    (RESULTS / "webhook.txt").write_text(report + "\n")


if __name__ == "__main__":
    main()
