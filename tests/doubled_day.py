"""Every process twice (issue 22 part 3): the day both of its tests run, on Redis in `make
test` (tests/test_doubled.py) and on RabbitMQ in `make faults` (tests/faults/
test_doubled_rabbitmq.py). Two APIs, two jobs processes and two schedulers run
the whole fill and shift flow, every request sent through both APIs; nothing is done twice (no
double wave, text, penalty or ledger row). Then one API, one jobs process and the leading
scheduler are SIGKILLed between two steps of the day, and the rest finishes it: the other API
answers, the other jobs process runs the jobs, the follower scheduler leads and its first
round's no-show sweep marks the absent once.

The one liberty, as in tests/test_onsite_e2e.py: the first order's shift is moved to have
ended an hour ago (an UPDATE), so the test need not wait a day."""

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from core.clock import now
from core.db import session_scope
from core.jobs import send_now
from dispatch.models import Offer, Order
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import MOSCOW, auth, make_site, make_user, offset
from tests.doubled import Doubled, post_at_once, seconds_until, text_in
from tests.scenarios import (
    branch_to_fill,
    committed,
    move_shift,
    offers_of,
    order_body,
    worker_grid,
)
from tests.stack import wait_for
from workers.models import Worker

BRANCH_CODE = "DOUBLEDE2E"
SID_PREFIX = "SMdbl"  # + 29 digits: Twilio's 34 characters; cleanup finds them
WORKERS = 24
HEADCOUNT, TARGET = 4, 6  # ceil(4 x 1.5)
REPLIERS = 8  # per order: 6 booked, 2 on standby


@dataclass(frozen=True)
class Scene:
    branch_id: int
    site_ids: tuple[int, int]
    phones: dict[int, str]
    office: dict[str, str]  # a dispatcher's bearer token
    foreman: dict[str, str]  # the foreman of the first site


@contextmanager
def doubled_scene() -> Iterator[Scene]:
    """A branch, two sites, 24 workers, a dispatcher and a foreman, committed; purged after."""
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            branch.undo_window_s = 2  # a foreman's no-show counts 2 s after the mark
            foreman = make_user(session, role="foreman", branch=branch, username="dbl-foreman")
            sites = (
                make_site(session, client=client, at=MOSCOW),
                make_site(session, client=client, at=offset(MOSCOW, north_m=1_000)),
            )
            sites[0].foreman_id = foreman.id
            phones = worker_grid(  # a 6 x 4 grid, 200 m apart around the first site
                session,
                branch=branch,
                count=WORKERS,
                columns=6,
                spacing_m=200,
                south_m=300,
                west_m=500,
                phone_prefix="+7993",
            )
            dispatcher = make_user(session, role="dispatcher", branch=branch)
            built = Scene(
                branch.id, (sites[0].id, sites[1].id), phones, auth(dispatcher), auth(foreman)
            )
        yield built


def _order_call(base: str, scene: Scene, site_id: int, starts_in: timedelta) -> tuple:
    starts_at = (now() + starts_in).replace(microsecond=0)
    body = order_body(site_id, headcount=HEADCOUNT, starts_at=starts_at)
    return (f"{base}/api/v1/orders", "order", scene.office, body)


def _all_sent(doubled: Doubled, order_id: int, expected: int) -> set[int]:
    """The order's wave-1 offers made and each offer text handed to the gateway."""

    def done():
        offers = offers_of(order_id)
        with session_scope() as session:
            sent = session.scalar(
                select(func.count()).where(
                    Message.order_id == order_id, Message.kind == "offer", Message.status == "sent"
                )
            )
        done.state = lambda: f"{Counter(o.status for o in offers.values())}, {sent} texts sent"
        ok = len(offers) == expected == sent and {o.status for o in offers.values()} == {"sent"}
        return set(offers) if ok else None

    return wait_for(done, f"{expected} offers of order {order_id} sent", doubled)


def _booked(doubled: Doubled, order_id: int) -> list[int]:
    def done():
        offers = offers_of(order_id)
        counts = Counter(o.status for o in offers.values())
        done.state = lambda: f"offers by status {counts}"
        ok = counts["booked"] == TARGET and counts["standby"] == REPLIERS - TARGET
        return sorted(w for w, o in offers.items() if o.status == "booked") if ok else None

    return wait_for(done, f"order {order_id} booked to {TARGET}", doubled)


def _out_texts(branch_id: int) -> Counter:
    """(order id, worker id, kind, status) of every text to the branch's workers, counted."""
    with session_scope() as session:
        ours = select(Worker.id).where(Worker.branch_id == branch_id)
        rows = session.execute(
            select(Message.order_id, Message.worker_id, Message.kind, Message.status).where(
                Message.worker_id.in_(ours), Message.direction == "out"
            )
        )
        return Counter(tuple(row) for row in rows)


def _attendance(order_id: int) -> dict[int, tuple[str | None, str | None]]:
    return {w: (o.attendance, o.pending_mark) for w, o in offers_of(order_id).items()}


def run_the_day(scene: Scene, doubled: Doubled) -> str:
    """The day, everything doubled, checked; the figures of docs/reliability.md."""
    started = time.monotonic()
    a, b = doubled.bases["api_a"], doubled.bases["api_b"]
    workers = sorted(scene.phones)

    # 1. Two orders at once, one through each API; each wave goes out once, by either jobs.
    made = post_at_once(
        [
            _order_call(a, scene, scene.site_ids[0], timedelta(days=1)),
            _order_call(b, scene, scene.site_ids[1], timedelta(days=2)),
        ]
    )
    assert [r.status_code for r in made] == [201, 201], [r.text for r in made]
    first, second = (r.json() for r in made)
    for order in (first, second):  # delivered again (at least once): both jobs race on it
        for _ in range(3):
            send_now("dispatch.fill", order["id"])
            send_now("dispatch.wave_due", order["id"], 1)
    assert _all_sent(doubled, first["id"], WORKERS) == set(workers)
    assert _all_sent(doubled, second["id"], WORKERS) == set(workers)

    # 2. YES replies, each posted to both APIs at once (Twilio retrying through the other).
    replies = [(first, w) for w in workers[:REPLIERS]] + [
        (second, w) for w in workers[REPLIERS : 2 * REPLIERS]
    ]
    sids = [f"{SID_PREFIX}{i:029d}" for i in range(len(replies))]
    posts = [
        (base, sid, scene.phones[w], f"ДА {order['code']}")
        for sid, (order, w) in zip(sids, replies, strict=True)
        for base in (a, b)
    ]
    assert {r.status_code for r in text_in(posts)} == {200}
    crew = _booked(doubled, first["id"])
    second_crew = _booked(doubled, second["id"])

    # The second order now starts in 10 h and its bookings are a day old: confirmations are
    # due. The before-shift job, delivered four times at once, runs on both jobs processes.
    move_shift(second["id"], now().replace(microsecond=0) + timedelta(hours=10))
    with session_scope() as session:
        session.execute(
            update(Offer)
            .where(Offer.order_id == second["id"], Offer.worker_id.in_(second_crew))
            .values(booked_at=now() - timedelta(days=1))
        )
    for _ in range(4):
        send_now("dispatch.before_shift")

    def asked():
        texts = _out_texts(scene.branch_id)
        sent = {w for (o, w, k, s) in texts if k == "confirm_request" and s == "sent"}
        asked.state = lambda: f"confirmations asked of {sorted(sent)}"
        return sent == set(second_crew)

    wait_for(asked, "each of the second crew to be asked to confirm", doubled)

    # 3. The first shift ended an hour ago; the foreman marks it through both APIs: two on
    #    time, one 25 min late, one no-show (that mark sent to both at once), two unmarked.
    start = now().replace(microsecond=0) - timedelta(hours=9)
    move_shift(first["id"], start)
    marks = f"/api/v1/orders/{first['id']}/attendance"

    def mark(worker_id: int, status: str, at) -> dict:
        return {"worker_id": worker_id, "status": status, "at": at.isoformat()}

    on_time, late, absent_marked, unmarked = crew[:2], crew[2], crew[3], crew[4:]
    calls = [
        (f"{a}{marks}", "", scene.foreman, mark(on_time[0], "arrived", start)),
        (f"{b}{marks}", "", scene.foreman, mark(on_time[1], "arrived", start)),
        (f"{a}{marks}", "", scene.foreman, mark(late, "arrived", start + timedelta(minutes=25))),
        (f"{a}{marks}", "", scene.foreman, mark(absent_marked, "no_show", start)),
        (f"{b}{marks}", "", scene.foreman, mark(absent_marked, "no_show", start)),
    ]
    answers = post_at_once(calls)
    assert [r.status_code for r in answers] == [200] * 5, [r.text for r in answers]

    def settled():
        marked = _attendance(first["id"])
        settled.state = lambda: f"attendance {marked}"
        return marked[absent_marked] == ("no_show", None)

    wait_for(settled, "the foreman's no-show to count after its undo window", doubled)

    # 4. One of each dies at once: API A, jobs 1 and the leading scheduler.
    leader = doubled.leader()
    assert leader is not None
    follower = next(n for n in ("scheduler_1", "scheduler_2") if n != leader)
    assert not doubled.says(follower, "leader:")
    for name in ("api_a", "jobs_1", leader):
        doubled.kill(name)
    killed_at = time.monotonic()
    # The follower leads; its first round's no-show sweep, run by jobs 2, marks the unmarked.
    took_over = seconds_until(
        lambda: doubled.says(follower, "leader:"), "the follower to lead", doubled, 10
    )
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{a}/readyz", timeout=2)
    assert httpx.get(f"{b}/readyz", timeout=5).status_code == 200
    absent = {absent_marked, *unmarked}

    def swept():
        marked = _attendance(first["id"])
        swept.state = lambda: f"attendance {marked}"
        return {w for w, (status, _) in marked.items() if status == "no_show"} == absent

    wait_for(swept, "the new leader's sweep to mark the two unmarked", doubled)
    swept_s = time.monotonic() - killed_at
    for _ in range(3):  # a sweep delivered again finds nothing left to do
        send_now("dispatch.no_show_sweep")

    # 5. The foreman closes the shift through the API left, twice at once: it closes once.
    close = f"{b}/api/v1/orders/{first['id']}/close"
    closes = post_at_once([(close, "", scene.foreman, {}), (close, "", scene.foreman, {})])
    closed = sorted((r.status_code, r.json().get("code")) for r in closes)
    assert closed == [(200, first["code"]), (409, "attendance_final")], closed

    def told():
        texts = _out_texts(scene.branch_id)
        sent = {(w, k) for (o, w, k, s) in texts if s == "sent" and k in ("penalty", "suspended")}
        told.state = lambda: f"penalty and suspension texts sent: {sorted(sent)}"
        want = {(w, "penalty") for w in (late, *absent)} | {(w, "suspended") for w in absent}
        return sent == want

    wait_for(told, "the penalty and suspension texts to be sent by jobs 2", doubled)

    # 6. A new order through API B: jobs 2 sends its wave, skipping the suspended three.
    third = httpx.post(
        f"{b}/api/v1/orders",
        headers=scene.office,
        json=_order_call(b, scene, scene.site_ids[1], timedelta(days=1, hours=1))[3],
        timeout=30,
    )
    assert third.status_code == 201, third.text
    assert _all_sent(doubled, third.json()["id"], WORKERS - 3) == set(workers) - absent
    time.sleep(1.5)  # room for anything that should not happen

    # Nothing twice: every text once per order, worker and kind; one wave per order...
    texts = _out_texts(scene.branch_id)
    per_kind = Counter((o, w, k) for (o, w, k, _) in texts.elements())
    assert [key for key, n in per_kind.items() if n > 1] == []
    assert {s for (_, _, _, s) in texts} == {"sent"}
    order_ids = [first["id"], second["id"], third.json()["id"]]
    with session_scope() as session:
        waves = session.execute(select(Order.id, Order.wave).where(Order.id.in_(order_ids)))
        assert dict(waves.all()) == dict.fromkeys(order_ids, 1)
        offer_waves = session.execute(
            select(Offer.order_id, Offer.wave, func.count())
            .where(Offer.order_id.in_(order_ids))
            .group_by(Offer.order_id, Offer.wave)
        )
        assert sorted(offer_waves.all()) == sorted(
            [(first["id"], 1, WORKERS), (second["id"], 1, WORKERS)]
            + [(third.json()["id"], 1, WORKERS - 3)]
        )
        # ...and Twilio was asked once for each, the one send its row records...
        recorded = session.scalars(
            select(Message.provider_sid).where(
                Message.worker_id.in_(select(Worker.id).where(Worker.branch_id == scene.branch_id)),
                Message.direction == "out",
            )
        ).all()
    accepted = [t.sid for t in doubled.twilio.accepted()]
    assert len(accepted) == len(recorded) == sum(texts.values())
    assert set(accepted) == set(recorded)
    with session_scope() as session:
        # ...each inbound text stored once though posted twice...
        inbound = session.scalars(
            select(Message.provider_sid).where(Message.provider_sid.in_(sids))
        ).all()
        assert Counter(inbound) == Counter(sids)
        # ...one ledger row per penalty: one no-show each, one late.
        ledger = session.execute(
            select(PenaltyEvent.worker_id, PenaltyEvent.kind).where(
                PenaltyEvent.order_id == first["id"]
            )
        ).all()
    assert Counter(ledger) == Counter([(late, "late")] + [(w, "no_show") for w in absent])
    assert doubled.leader() == follower

    took = time.monotonic() - started
    return (
        f"every process twice: 3 orders, {len(sids)} replies each posted to both APIs, "
        f"{sum(texts.values())} texts, {len(ledger)} ledger rows, none twice; after SIGKILL "
        f"of one API, one jobs process and the leading scheduler: the follower led in "
        f"{took_over:.2f} s, its no-show sweep done {swept_s:.1f} s after the kill; whole "
        f"flow {took:.0f} s"
    )
