"""Part 2 of the webhook bench: from a new order (POST /api/v1/orders) to the last offer of
its first wave handed to the SMS gateway, one order at a time and in a burst.
"""

import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import stage
from webhook_inbound import REQUEST_TIMEOUT_S, percentile
from webhook_seed import BASE_URL, DB_NAME, PASSWORD, USERNAME, Scene

POLL_S = 0.01
ORDER_TIMEOUT_S = 30.0
HEADCOUNT = 10  # fixed 1.5 -> target 15; wave multiple 2 -> 30 offers


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
