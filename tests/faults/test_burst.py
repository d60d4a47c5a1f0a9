"""A burst at one order: 200 requests at once (phone accepts, foremen's marks, closes and
workers' check-in links), all waiting for the same order row, through the real API (two
uvicorn processes). Every request is answered (2xx, 4xx or a quick 503, never a 500 or a
timeout), the roster is exact afterwards, and /healthz stays fast throughout.

Before, such a burst wedged both processes for good: the requests waiting for the row lock
held every worker thread, and the lock holder needed one more to finish and commit."""

import asyncio
import json
import random
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from core.clock import now
from core.settings import get_settings
from dispatch.models import Offer, Order
from dispatch.texts.links import token_for
from tests.builders import MOSCOW, make_offer
from tests.faults.stack import FaultStack, Scene, make_scene
from workers.models import Worker

HEADCOUNT = 10  # booking target 15 (overbook factor 1.5)
PREBOOKED = 6
OFFERED = 34
BURST = {"accept": 90, "attendance": 50, "checkin": 40, "close": 20}  # 200 in all
REQUEST_TIMEOUT_S = 30.0  # a wedged process never answers; a healthy one within seconds
HEALTHZ_LIMIT_S = 0.1
ROOT = Path(__file__).resolve().parents[2]  # where `-m tests.faults.healthz_probe` is found


class HealthzProbe:
    """/healthz on a fresh connection (so either API process may answer) every 20 ms, timed by
    a process of its own (tests/faults/healthz_probe.py): in this one, the poll waited for the
    GIL behind the client firing the burst, and that wait was counted as the API's."""

    def __init__(self, port: int):
        self.port = port
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> "HealthzProbe":
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.healthz_probe", str(self.port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        return self

    def __exit__(self, *_) -> None:
        assert self._process is not None
        out, _err = self._process.communicate(input="", timeout=15)  # stdin closed: it stops
        polled = json.loads(out)
        self.latencies, self.failures = polled["latencies"], polled["failures"]

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _order_at_one(stack: FaultStack, scene: Scene) -> tuple[int, list[int], list[int], dict]:
    """An order starting in an hour (accepts still open, check-in and marks already open), six
    workers booked and 34 sent offers; the check-in tokens of the booked ones."""
    starts_at = (now() + timedelta(hours=1)).replace(microsecond=0)
    response = httpx.post(
        f"{stack.base}/api/v1/orders",
        headers=scene.headers,
        json={
            "site_id": scene.site_id,
            "skill": "loader",
            "headcount": HEADCOUNT,
            "starts_at": starts_at.isoformat(),
            "ends_at": (starts_at + timedelta(hours=8)).isoformat(),
            "client_rate": "250.00",
            "worker_rate": "120.00",
        },
        timeout=15,
    )
    assert response.status_code == 201, response.text
    order_id = response.json()["id"]
    secret = get_settings().secret_key
    with stack.session() as session:
        order = session.get(Order, order_id)
        workers = list(session.scalars(select(Worker).order_by(Worker.id)))
        assert len(workers) >= PREBOOKED + OFFERED
        booked = [
            make_offer(session, order=order, worker=w, status="booked", booked_at=now())
            for w in workers[:PREBOOKED]
        ]
        for w in workers[PREBOOKED : PREBOOKED + OFFERED]:
            make_offer(session, order=order, worker=w, status="sent")
        tokens = {offer.worker_id: token_for(offer.id, secret) for offer in booked}
    ids = [w.id for w in workers]
    return order_id, ids[:PREBOOKED], ids[PREBOOKED : PREBOOKED + OFFERED], tokens


# (kind, worker id or None, path, json, form)
Burst = tuple[str, int | None, str, dict[str, object] | None, dict[str, str] | None]


def _requests(
    order_id: int, booked: list[int], offered: list[int], tokens: dict[int, str]
) -> list[Burst]:
    """(kind, worker id or None, path, json, form), shuffled with a fixed seed."""
    api = f"/api/v1/orders/{order_id}"
    markable = booked + offered[:10]  # some not booked (yet): a 409, or a mark if booked by then
    arrived = {"status": "arrived"}
    out: list[Burst] = [
        ("accept", w, f"{api}/offers/{w}/accept", None, None)
        for w in (offered[i % OFFERED] for i in range(BURST["accept"]))
    ]
    out += [
        ("attendance", w, f"{api}/attendance", {"worker_id": w, **arrived}, None)
        for w in (markable[i % len(markable)] for i in range(BURST["attendance"]))
    ]
    booked_tokens = list(tokens.items())
    out += [
        ("checkin", w, f"/c/{t}", None, {"lat": str(MOSCOW.lat), "lon": str(MOSCOW.lon)})
        for w, t in (booked_tokens[i % len(booked_tokens)] for i in range(BURST["checkin"]))
    ]
    out += [("close", None, f"{api}/close", None, None)] * BURST["close"]
    random.Random(14).shuffle(out)
    return out


async def _fire(base: str, headers: dict, requests: list) -> list:
    """Every request at once; each answer, or the exception that stood for one."""
    limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as c:

        async def one(kind, path, body, form):
            try:
                if kind == "checkin":
                    return await c.post(path, data=form)
                return await c.post(path, json=body, headers=headers)
            except httpx.HTTPError as exc:
                return exc

        return await asyncio.gather(*(one(k, p, j, f) for k, _, p, j, f in requests))


@pytest.mark.parametrize("pool_size", [None, "4"], ids=["default-pool", "pool-4"])
def test_a_burst_at_one_order_is_answered_exactly_and_healthz_stays_fast(stack, figure, pool_size):
    if pool_size:  # few threads and connections: the wedge needed only 4 waiters, not 20
        stack.env["BRIGADA_DB_POOL_SIZE"] = pool_size
    scene = make_scene(stack, workers=PREBOOKED + OFFERED)
    stack.start_api()
    order_id, booked, offered, tokens = _order_at_one(stack, scene)
    requests = _requests(order_id, booked, offered, tokens)
    assert len(requests) == 200

    with HealthzProbe(stack.port) as probe:
        time.sleep(0.3)  # a few polls before the burst
        started = time.monotonic()
        answers = asyncio.run(_fire(stack.base, scene.headers, requests))
        took = time.monotonic() - started
        time.sleep(0.3)

    statuses = Counter(
        (kind, a.status_code if isinstance(a, httpx.Response) else type(a).__name__)
        for (kind, *_), a in zip(requests, answers, strict=True)
    )
    answered = sum(1 for a in answers if isinstance(a, httpx.Response) and a.status_code != 500)
    p99, worst = probe.quantile(0.99), max(probe.latencies)
    figure(
        f"{len(requests)} requests at one order ({pool_size or 'default'} pool): {answered} "
        f"answered in {took:.1f} s; /healthz {len(probe.latencies)} polls, p99 "
        f"{p99 * 1000:.0f} ms, max {worst * 1000:.0f} ms; {dict(sorted(statuses.items()))}"
    )
    assert answered == len(requests), f"unanswered or 500: {statuses}\n{stack.tails()}"
    assert probe.failures == [], probe.failures[:5]
    assert p99 < HEALTHZ_LIMIT_S, f"/healthz p99 {p99 * 1000:.0f} ms during the burst"
    for (kind, *_), a in zip(requests, answers, strict=True):
        if a.status_code == 503:
            assert a.headers.get("Retry-After"), "a 503 says when to try again"
        if kind == "close":  # the order has not started: never closed
            assert a.status_code in (409, 503), a.text

    # The roster is exact: what the answers said is what the database holds.
    said = {"booked": set(booked), "standby": set()}
    for (kind, worker_id, *_), a in zip(requests, answers, strict=True):
        if kind == "accept" and a.status_code == 200:
            said[a.json()["status"]].add(worker_id)
    with stack.session() as session:
        order = session.get(Order, order_id)
        offers = list(session.scalars(select(Offer).where(Offer.order_id == order_id)))
    by_worker = Counter(o.worker_id for o in offers)
    assert max(by_worker.values()) == 1, "a worker holds two offers on one order"
    in_db = {s: {o.worker_id for o in offers if o.status == s} for s in ("booked", "standby")}
    assert in_db == said
    assert len(in_db["booked"]) <= order.booking_target
    if len(said["booked"] | said["standby"]) >= order.booking_target:
        assert len(in_db["booked"]) == order.booking_target
    assert (order.status == "filled") == (len(in_db["booked"]) == order.booking_target)
    assert order.closed_at is None

    marked = {
        w
        for (kind, w, *_), a in zip(requests, answers, strict=True)
        if kind == "attendance" and a.status_code == 200
    }
    checked_in = {
        w
        for (kind, w, *_), a in zip(requests, answers, strict=True)
        if kind == "checkin" and a.status_code == 200
    }
    assert marked, "no mark got through the burst"
    for offer in offers:
        if offer.attendance is not None or offer.checked_in_at is not None:
            assert offer.status == "booked", f"worker {offer.worker_id}: on site, not booked"
        assert (offer.attendance == "arrived") == (offer.worker_id in marked)
        assert (offer.arrived_at is not None) == (offer.attendance == "arrived")
        if offer.worker_id in checked_in:
            assert offer.checked_in_at is not None
