"""The orders API: intake checks naming the field, state, candidates, answers, cancel."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.clock import now
from dispatch.models import Branch, Offer, Order
from tests.builders import (
    KAZAN,
    MOSCOW,
    auth,
    make_branch,
    make_branch_site,
    make_user,
    make_worker,
    offset,
    steps,
)
from tests.scenarios import order_body


@pytest.fixture
def setup(session):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    return branch, site, auth(dispatcher)


def body(site, **changes):
    """Tomorrow's order for 10; the worker's rate a bare number (the API takes either)."""
    start = now() + timedelta(days=1)
    return {**order_body(site.id, headcount=10, starts_at=start, worker_rate=120), **changes}


def _orders(session):
    return session.scalar(select(func.count()).select_from(Order))


def test_create_order_answers_target_and_code(client, session, setup):
    _, site, headers = setup
    answer = client.post("/api/v1/orders", json=body(site), headers=headers)
    assert answer.status_code == 201, answer.text
    order = answer.json()
    assert order["status"] == "open" and order["booking_target"] == 15
    assert order["code"].isdigit() and len(order["code"]) == 3
    assert order["worker_rate"] == "120.00"
    assert order["counts"]["offered"] == 0


@pytest.mark.parametrize(
    "changes, loc",
    [
        ({"headcount": 0}, ["body", "headcount"]),
        ({"headcount": 501}, ["body", "headcount"]),
        ({"overbook_factor": 5}, ["body", "overbook_factor"]),
        ({"overbooking_mode": "greedy"}, ["body", "overbooking_mode"]),
        ({"client_rate": "-1"}, ["body", "client_rate"]),
        ({"worker_rate": "12.345"}, ["body", "worker_rate"]),
        ({"skill": "astronaut"}, ["body", "skill"]),
        ({"starts_at": "2026-12-01T08:00:00"}, ["body", "starts_at"]),
        (
            {"starts_at": "2020-01-01T08:00:00+03:00", "ends_at": "2020-01-01T16:00:00+03:00"},
            ["body", "starts_at"],
        ),
        ({"unknown": 1}, ["body", "unknown"]),
        ({"headcount": True}, ["body", "headcount"]),
        ({"site_id": 2**31}, ["body", "site_id"]),
        (
            {"starts_at": "9999-12-31T20:00:00-05:00", "ends_at": "9999-12-31T23:00:00-05:00"},
            ["body", "starts_at"],
        ),
    ],
)
def test_bad_orders_are_422_naming_the_field_and_write_nothing(
    client, session, setup, changes, loc
):
    _, site, headers = setup
    before = _orders(session)
    answer = client.post("/api/v1/orders", json=body(site, **changes), headers=headers)
    assert answer.status_code == 422, answer.text
    assert loc in [e["loc"] for e in answer.json()["detail"]], answer.text
    assert _orders(session) == before


def test_shift_times_are_checked_together(client, session, setup):
    _, site, headers = setup
    start = now() + timedelta(days=1)
    for end, msg in (
        (start - timedelta(hours=1), "end after"),
        (start + timedelta(hours=25), "24 hours"),
    ):
        answer = client.post(
            "/api/v1/orders",
            json=body(site, starts_at=start.isoformat(), ends_at=end.isoformat()),
            headers=headers,
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["body", "ends_at"]
        assert msg in answer.json()["detail"][0]["msg"]
    assert _orders(session) == 0


def test_unknown_or_foreign_site_is_404(client, session, setup):
    _, site, headers = setup
    _, foreign = make_branch_site(session, at=KAZAN, center=KAZAN)
    for site_id in (999_999, foreign.id):
        answer = client.post("/api/v1/orders", json=body(site, site_id=site_id), headers=headers)
        assert answer.status_code == 404
        assert "site" in answer.json()["detail"]
    assert _orders(session) == 0


def test_candidates_show_the_ranking_with_reasons(client, session, setup):
    branch, site, headers = setup
    best = make_worker(session, branch=branch, rating=4.8, near=offset(MOSCOW, east_m=1_000))
    next_ = make_worker(session, branch=branch, rating=3.9, near=offset(MOSCOW, east_m=500))
    order = client.post("/api/v1/orders", json=body(site), headers=headers).json()
    ranked = client.get(f"/api/v1/orders/{order['id']}/candidates?limit=5", headers=headers)
    assert ranked.status_code == 200
    rows = ranked.json()
    assert [r["worker_id"] for r in rows] == [best.id, next_.id]
    assert rows[0]["distance_m"] == pytest.approx(1_000, abs=5)
    assert rows[0]["rating"] == 4.8 and rows[0]["reason"].startswith("rating 4.80/5")
    assert rows[0]["score"] > rows[1]["score"]


def test_phone_answers_and_cancel_through_the_api(client, session, setup):
    from dispatch.fill import waves

    branch, site, headers = setup
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=100 * i))
        for i in range(1, 5)
    ]
    order = client.post("/api/v1/orders", json=body(site, headcount=1), headers=headers).json()
    waves.start_filling(session, order["id"], now())
    _send_everything(session)
    path = f"/api/v1/orders/{order['id']}/offers"
    first = client.post(f"{path}/{workers[0].id}/accept", headers=headers)
    assert first.status_code == 200 and first.json()["status"] == "booked"
    assert first.json()["answer_source"] == "phone"
    assert client.post(f"{path}/{workers[1].id}/decline", headers=headers).json()["status"] == (
        "declined"
    )
    never_offered = make_worker(session, branch=branch, near=KAZAN)
    assert client.post(f"{path}/{never_offered.id}/accept", headers=headers).status_code == 404
    state = client.get(f"/api/v1/orders/{order['id']}", headers=headers).json()
    assert state["counts"]["booked"] == 1 and state["counts"]["declined"] == 1
    assert state["roster"] == [
        {
            "worker_id": workers[0].id,
            "offer_status": "booked",
            "attendance": None,
            "arrived_at": None,
            "left_at": None,
            "pending_mark": None,
            "pending_until": None,
            "sent_home_reason": None,
            "pending_reason": None,
            "on_the_day": None,  # a client's word for the day (tests/api/test_client_users.py)
        }
    ]
    assert 0 < state["fill_probability"] < 1
    cancelled = client.post(
        f"/api/v1/orders/{order['id']}/cancel",
        json={"reason": "client called off"},
        headers=headers,
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    late = client.post(f"{path}/{workers[2].id}/accept", headers=headers)
    assert late.status_code == 409
    out = client.get(
        f"/api/v1/messages?order_id={order['id']}&direction=out", headers=headers
    ).json()
    kinds = {m["kind"] for m in out}
    assert {"offer", "booked", "order_cancelled"} <= kinds


def _send_everything(session):
    """The send job's work, done here: every queued text handed to the outbox gateway."""
    from dispatch.texts import delivery
    from sms.gateways import OutboxGateway
    from sms.models import Message

    queued = session.scalars(select(Message.id).where(Message.status == "queued")).all()
    for message_id in queued:
        delivery.deliver(steps(session), message_id, OutboxGateway(), lambda: True)


def test_orders_of_another_branch_are_404(client, session, setup):
    _, site, headers = setup
    order = client.post("/api/v1/orders", json=body(site), headers=headers).json()
    other = make_branch(session, center=KAZAN)
    stranger = auth(make_user(session, role="dispatcher", branch=other))
    from dispatch.fill import waves

    branch = session.get(Branch, order["branch_id"])
    worker = make_worker(session, branch=branch)
    waves.start_filling(session, order["id"], now())
    accept = f"/offers/{worker.id}/accept"  # a real offer, of another branch
    for method, path in (("GET", ""), ("GET", "/candidates"), ("POST", accept)):
        answer = client.request(method, f"/api/v1/orders/{order['id']}{path}", headers=stranger)
        assert answer.status_code == 404, (path, answer.text)
    foreman = auth(make_user(session, role="foreman", branch=other))
    # A foreman not assigned to it (here: of another branch) does not see it at all.
    assert client.get(f"/api/v1/orders/{order['id']}", headers=foreman).status_code == 404
    listed = client.get("/api/v1/orders", headers=stranger).json()
    assert order["id"] not in [o["id"] for o in listed]
    offer = session.scalars(select(Offer).where(Offer.worker_id == worker.id)).one()
    assert offer.status == "queued"
    assert client.get("/api/v1/orders/2147483648", headers=stranger).status_code == 422
    assert client.get("/api/v1/orders?status=bogus", headers=stranger).status_code == 422


def test_candidates_say_a_recent_no_show_ranks_a_worker_last(client, session, setup):
    branch, site, headers = setup
    at = now() - timedelta(days=3)
    flaky = make_worker(
        session,
        branch=branch,
        rating=2.5,
        near=offset(MOSCOW, east_m=100),
        no_show_at=at,
        no_show_until=at + timedelta(days=30),
    )
    newcomer = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=9_000))
    order = client.post("/api/v1/orders", json=body(site), headers=headers).json()
    ranked = client.get(f"/api/v1/orders/{order['id']}/candidates", headers=headers)
    rows = ranked.json()
    assert [r["worker_id"] for r in rows] == [newcomer.id, flaky.id]
    day = at.astimezone(ZoneInfo(branch.timezone))
    assert f"(no-show on {day:%d.%m}, within 30 days: ranked last)" in rows[1]["reason"]
    assert rows[1]["score"] < 0 <= rows[0]["score"]
