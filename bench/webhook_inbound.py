"""Part 1 of the webhook bench: POST /sms/inbound under a fixed offered load, open loop
(signed Twilio-shaped form posts from client processes), and what each rate achieved.
"""

import math
import multiprocessing
import random
import statistics
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import psycopg
import stage
from twilio.request_validator import RequestValidator
from webhook_cpu import BUSY, cpu_by_owner, cpu_line, wait_for_quiet
from webhook_seed import BASE_URL, DB_NAME, HOST, TWILIO_AUTH_TOKEN, Scene

ACCOUNT_SID = "AC" + uuid.uuid4().hex
SERVICE_SID = "MG" + uuid.uuid4().hex
OUR_NUMBER = "+74951234567"
REPLIES = ("ДА", "ДА", "ДА", "да", "НЕТ", "Да")  # followed by a 3-digit order code
WARMUP_S = 3.0  # before each measured rate, at that rate, not counted
LANE_RATE = 150  # requests/s per client process
LANE_THREADS = 32  # threads and keep-alive connections per client process
REQUEST_TIMEOUT_S = 10.0


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
