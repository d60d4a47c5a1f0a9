"""The whole day on the real stack: uvicorn, a dramatiq jobs process on Redis, the outbox.

An order for 10 is booked to 15 by signed SMS replies; on site 11 arrive (2 of them late),
1 is released and 3 never come. The foreman marks them over HTTP from a phone, the no-show
sweep job (sent to the jobs process as the scheduler would) marks the three, the foreman
closes the shift: the no-shows lose reliability and are suspended, the late two get their
points and fines, the timesheet adds up to the cent, and the next order's wave skips the
suspended workers.

The one liberty: once booked, the order's 8-hour shift is moved to have ended an hour ago
(an UPDATE), so the test need not wait a day; everything after runs at the real clock.
"""

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from core.clock import now
from core.db import session_scope
from core.jobs import send_now
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import MOSCOW, auth, make_site, make_user, offset
from tests.csv_reading import read_csv
from tests.scenarios import (
    branch_to_fill,
    committed,
    move_shift,
    offers_of,
    order_body,
    worker_grid,
)
from tests.stack import Services, inbound_form, post_all, running_stack, wait_for
from workers.models import Worker

BRANCH_CODE = "ONSITEE2E"
SID_PREFIX = "SMons"  # + 29 digits: Twilio's 34 characters; cleanup finds them
WORKERS = 30
HEADCOUNT, TARGET = 10, 15


@dataclass(frozen=True)
class Scene:
    branch_id: int
    site_ids: tuple[int, int]
    phones: dict[int, str]
    office: dict[str, str]  # a dispatcher's bearer token
    foreman: dict[str, str]  # the foreman of the first site


@pytest.fixture
def scene(engine):
    with committed(BRANCH_CODE, SID_PREFIX):
        with session_scope() as session:
            branch, client = branch_to_fill(session, BRANCH_CODE)
            foreman = make_user(session, role="foreman", branch=branch, username="onsite-foreman")
            sites = (
                make_site(session, client=client, at=MOSCOW),
                make_site(session, client=client, at=offset(MOSCOW, north_m=1_000)),
            )
            sites[0].foreman_id = foreman.id
            phones = worker_grid(  # a 6 x 5 grid, 200 m apart around the first site
                session,
                branch=branch,
                count=WORKERS,
                columns=5,
                spacing_m=200,
                south_m=500,
                west_m=400,
                phone_prefix="+7995",
            )
            dispatcher = make_user(session, role="dispatcher", branch=branch)
            built = Scene(
                branch.id,
                (sites[0].id, sites[1].id),
                phones,
                auth(dispatcher),
                auth(foreman),
            )
        yield built


@pytest.fixture
def services(scene, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _api(services: Services, method: str, path: str, headers: dict, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{services.base}{path}", headers=headers, timeout=15, **kwargs)


def _post_order(services: Services, scene: Scene, site_id: int, starts_in: timedelta) -> dict:
    starts_at = (now() + starts_in).replace(microsecond=0)
    body = order_body(site_id, headcount=HEADCOUNT, starts_at=starts_at)
    response = _api(services, "POST", "/api/v1/orders", scene.office, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _wait_offers_sent(services: Services, order_id: int, expected: int) -> set[int]:
    def done():
        offers = offers_of(order_id)
        done.state = lambda: f"offers by status {Counter(o.status for o in offers.values())}"
        return (
            set(offers)
            if len(offers) == expected and all(o.status == "sent" for o in offers.values())
            else None
        )

    return wait_for(done, f"{expected} offers of order {order_id} sent", services)


def _texts(worker_ids: set[int], kind: str) -> list[Message]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(Message).where(
                    Message.worker_id.in_(worker_ids),
                    Message.kind == kind,
                    Message.direction == "out",
                )
            )
        )


def test_a_whole_shift_from_sms_bookings_to_the_timesheet(scene, services):
    workers = sorted(scene.phones)
    order = _post_order(services, scene, scene.site_ids[0], timedelta(days=1))
    assert order["booking_target"] == TARGET
    assert _wait_offers_sent(services, order["id"], WORKERS) == set(workers)

    # 17 signed YES replies at once: 15 booked (the target for 10), 2 on standby.
    repliers = workers[:17]
    forms = [
        inbound_form(f"{SID_PREFIX}{i:029d}", scene.phones[w], f"ДА {order['code']}")
        for i, w in enumerate(repliers)
    ]
    assert {r.status_code for r in asyncio.run(post_all(services.base, forms))} == {200}

    def booked():
        offers = offers_of(order["id"])
        counts = Counter(o.status for o in offers.values())
        booked.state = lambda: f"offers by status {counts}"
        ok = counts["booked"] == TARGET and counts["standby"] == 2
        return sorted(w for w, o in offers.items() if o.status == "booked") if ok else None

    crew = wait_for(booked, "15 booked and 2 on standby", services)
    with session_scope() as session:
        before = {
            w.id: (w.rating, w.reliability)
            for w in session.scalars(select(Worker))
            if w.id in set(crew)
        }

    # The shift ended an hour ago (see the module's docstring); the foreman marks it now.
    start = now().replace(microsecond=0) - timedelta(hours=9)
    move_shift(order["id"], start)
    on_time, late_25, late_40, released, absent = crew[:9], crew[9], crew[10], crew[11], crew[12:]

    # The foreman, from a phone: 9 on time, 2 late, 1 released.
    marks = [(w, "arrived", start) for w in on_time] + [
        (late_25, "arrived", start + timedelta(minutes=25)),
        (late_40, "arrived", start + timedelta(minutes=40)),
        (released, "released", start),
    ]
    for worker_id, status, at in marks:
        response = _api(
            services,
            "POST",
            f"/api/v1/orders/{order['id']}/attendance",
            scene.foreman,
            json={"worker_id": worker_id, "status": status, "at": at.isoformat()},
        )
        assert response.status_code == 200, response.text
        assert response.json()["attendance"] == status

    # The scheduler's no-show sweep, run by the jobs process: the 3 unmarked are no-shows.
    send_now("dispatch.no_show_sweep")

    def swept():
        offers = offers_of(order["id"])
        marked = {w for w, o in offers.items() if o.attendance == "no_show"}
        swept.state = lambda: f"no-shows marked: {sorted(marked)}"
        return marked if marked == set(absent) else None

    wait_for(swept, "the sweep to mark the 3 absent workers", services)
    assert all(offers_of(order["id"])[w].attendance_by is None for w in absent)  # the system

    # The foreman closes the shift and gets the timesheet.
    closed = _api(services, "POST", f"/api/v1/orders/{order['id']}/close", scene.foreman)
    assert closed.status_code == 200, closed.text
    assert "margin" not in closed.json()["totals"]  # the client's price is the office's
    path = f"/api/v1/orders/{order['id']}/timesheet"
    sheet = _api(services, "GET", path, scene.office).json()
    lines = {line["worker_id"]: line for line in sheet["lines"]}
    assert set(lines) == set(crew)

    # By hand: 8 h at 250/120; 25 min late = 455 min = 7.58 h, 15 beyond the grace x 5.00 =
    # 75.00; 40 min late = 440 min = 7.33 h, 30 x 5.00 = 150.00; released: 300.00 show-up
    # pay, not billed; no-show: fined 300.00.
    expected = {w: ("8.00", "2000.00", "960.00", "0.00", "0.00", "960.00") for w in on_time}
    expected[late_25] = ("7.58", "1895.00", "909.60", "0.00", "75.00", "834.60")
    expected[late_40] = ("7.33", "1832.50", "879.60", "0.00", "150.00", "729.60")
    expected[released] = ("0.00", "0.00", "0.00", "300.00", "0.00", "300.00")
    for w in absent:
        expected[w] = ("0.00", "0.00", "0.00", "0.00", "300.00", "-300.00")
    columns = ("hours", "client_amount", "base_pay", "allowances", "fines", "worker_pay")
    for worker_id, figures in expected.items():
        assert tuple(lines[worker_id][c] for c in columns) == figures, worker_id
        margin = Decimal(figures[1]) - Decimal(figures[5])
        assert Decimal(lines[worker_id]["margin"]) == margin
    totals = sheet["totals"]
    assert Decimal(totals["client_amount"]) == Decimal("21727.50")
    assert Decimal(totals["worker_pay"]) == Decimal("9604.20")
    assert Decimal(totals["margin"]) == Decimal("12123.30")
    for column in ("client_amount", "worker_pay", "margin", "fines", "allowances"):
        assert Decimal(totals[column]) == sum(Decimal(line[column]) for line in sheet["lines"])

    as_csv = _api(
        services, "GET", f"/api/v1/orders/{order['id']}/timesheet?format=csv", scene.office
    )
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = read_csv(as_csv.content)
    assert {int(r["worker_id"]): r["worker_pay"] for r in rows if r["worker_id"] != "Total"} == {
        w: f[5] for w, f in expected.items()
    }

    state = _api(services, "GET", f"/api/v1/orders/{order['id']}", scene.office).json()
    assert state["status"] == "completed"
    assert state["counts"]["arrived"] == 11 and state["counts"]["no_show"] == 3

    # The no-shows: lower reliability and rating, suspended for 7 days from the start.
    with session_scope() as session:
        after = {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(crew)))}
        ledger = list(
            session.scalars(select(PenaltyEvent).where(PenaltyEvent.order_id == order["id"]))
        )
    for w in absent:
        assert after[w].reliability < before[w][1] and after[w].rating < before[w][0]
        assert after[w].suspended_until == start + timedelta(days=7)
        shown = _api(services, "GET", f"/api/v1/workers/{w}", scene.office).json()
        assert shown["status"] == "suspended"
    for w in on_time:
        assert after[w].reliability >= before[w][1] and after[w].suspended_until is None
    by_worker = Counter((e.worker_id, e.kind, e.points, e.fine) for e in ledger)
    assert by_worker == Counter(
        [(late_25, "late", 1, Decimal("75.00")), (late_40, "late", 2, Decimal("150.00"))]
        + [(w, "no_show", 3, Decimal("300.00")) for w in absent]
        + [(released, "compensation", 0, Decimal("0.00"))]  # its show-up pay, 300.00
    )
    penalties = _api(services, "GET", f"/api/v1/workers/{late_40}/penalties", scene.office)
    assert [(p["kind"], p["points"], p["fine"]) for p in penalties.json()] == [
        ("late", 2, "150.00")
    ]

    # Each penalised worker is told by SMS, and each no-show of the suspension.
    def told():
        penalty = {m.worker_id for m in _texts(set(crew), "penalty") if m.status == "sent"}
        suspended = {m.worker_id for m in _texts(set(crew), "suspended") if m.status == "sent"}
        told.state = lambda: (
            f"penalty texts to {sorted(penalty)}, suspension to {sorted(suspended)}"
        )
        return penalty == {late_25, late_40, *absent} and suspended == set(absent)

    wait_for(told, "the penalty and suspension texts to be sent", services)

    # The next order, a day later: its wave reaches everyone but the suspended three.
    second = _post_order(services, scene, scene.site_ids[1], timedelta(days=1, hours=1))
    offered = _wait_offers_sent(services, second["id"], WORKERS - len(absent))
    assert offered == set(workers) - set(absent)
