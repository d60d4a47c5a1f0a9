"""PATCH /api/v1/orders/{id}: any of headcount, times, rates, foreman, notes; the order back;
a time change asks every booked worker to confirm again; 422 names the field, 409 says why
by a stable code, another branch's order is 404."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Order
from sms.models import Message
from tests.builders import (
    MOSCOW,
    auth,
    book,
    make_branch_site,
    make_order,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def setup(session):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=40 * i)) for i in range(12)
    ]
    return branch, site, auth(dispatcher), workers


def url(order):
    return f"/api/v1/orders/{order.id}"


def filled(session, site, workers, headcount=2):
    """An order for tomorrow, headcount 2 (target 3), booked full."""
    order = make_order(session, site=site, headcount=headcount, now=now())
    book(session, order, workers[:3], now=now())
    assert order.status == "filled"
    return order


def test_raising_the_headcount_fills_again_at_once(client, session, setup):
    _, site, headers, workers = setup
    order = filled(session, site, workers)
    answer = client.patch(url(order), json={"headcount": 4}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["headcount"], body["booking_target"], body["status"]) == (4, 6, "filling")
    assert body["counts"]["booked"] == 3
    assert body["counts"]["offered"] > 6  # the first wave's six, and the new wave's


def test_lowering_releases_the_newest_with_a_text(client, session, setup):
    _, site, headers, workers = setup
    order = filled(session, site, workers)
    answer = client.patch(url(order), json={"headcount": 1}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["headcount"], body["booking_target"], body["status"]) == (1, 2, "filled")
    assert body["counts"]["booked"] == 2
    released = session.scalars(
        select(Message.worker_id).where(
            Message.order_id == order.id, Message.kind == "booking_withdrawn"
        )
    ).all()
    assert released == [workers[2].id]  # booked last


def test_moving_the_shift_asks_the_booked_again(client, session, setup):
    _, site, headers, workers = setup
    order = filled(session, site, workers)
    start = order.starts_at + timedelta(hours=1)
    answer = client.patch(
        url(order),
        json={"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=9)).isoformat()},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["starts_at"].startswith(start.strftime("%Y-%m-%dT%H:%M"))
    asked = session.scalars(
        select(Message.worker_id).where(Message.order_id == order.id, Message.kind == "order_moved")
    ).all()
    assert sorted(asked) == sorted(w.id for w in workers[:3])


def test_rates_foreman_and_notes_come_back_and_are_audited(client, session, setup):
    branch, site, headers, _ = setup
    order = make_order(session, site=site, now=now())
    foreman = make_user(session, role="foreman", branch=branch)
    answer = client.patch(
        url(order),
        json={
            "client_rate": 260,
            "worker_rate": "130.50",
            "foreman_id": foreman.id,
            "notes": "Перчатки",
        },
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["client_rate"], body["worker_rate"]) == ("260.00", "130.50")
    assert (body["foreman_id"], body["notes"]) == (foreman.id, "Перчатки")
    assert client.get(url(order), headers=headers).json()["notes"] == "Перчатки"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "order.change").order_by(AuditEntry.id)
    ).one()
    assert entry.detail["before"]["client_rate"] == "250.00"
    assert entry.detail["after"]["notes"] == "Перчатки"


@pytest.mark.parametrize(
    "change, loc, kind",
    [
        ({"headcount": 0}, ["body", "headcount"], "greater_than_equal"),
        ({"headcount": None}, ["body", "headcount"], None),
        ({"headcount": True}, ["body", "headcount"], "int_type"),
        ({"starts_at": "2030-01-01T08:00:00"}, ["body", "starts_at"], "timezone_aware"),
        ({"worker_rate": "-1"}, ["body", "worker_rate"], "greater_than_equal"),
        ({"notes": "x" * 1001}, ["body", "notes"], "string_too_long"),
        ({"skill": "mover"}, ["body", "skill"], "extra_forbidden"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, session, setup, change, loc, kind):
    _, site, headers, _ = setup
    order = make_order(session, site=site, now=now())
    answer = client.patch(url(order), json=change, headers=headers)
    assert answer.status_code == 422, answer.text
    item = answer.json()["detail"][0]
    assert item["loc"] == loc
    if kind is not None:
        assert item["type"] == kind


@pytest.mark.parametrize(
    "change, field, code",
    [
        ("past", "starts_at", "shift_in_past"),
        ("ends_before", "ends_at", "shift_ends_before_start"),
        ("too_long", "ends_at", "shift_too_long"),
        ("foreign_foreman", "foreman_id", "not_a_foreman"),
    ],
)
def test_domain_refusals_are_422_with_their_code(client, session, setup, change, field, code):
    _, site, headers, _ = setup
    order = make_order(session, site=site, now=now())
    other_branch, _ = make_branch_site(session)
    bodies = {
        "past": {"starts_at": (now() - timedelta(hours=1)).isoformat()},
        "ends_before": {"ends_at": order.starts_at.isoformat()},
        "too_long": {"ends_at": (order.starts_at + timedelta(hours=25)).isoformat()},
        "foreign_foreman": {
            "foreman_id": make_user(session, role="foreman", branch=other_branch).id
        },
    }
    answer = client.patch(url(order), json=bodies[change], headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", field]
    assert answer.json()["code"] == code
    assert session.get(Order, order.id).headcount == 2  # nothing written


def test_a_cancelled_order_is_409(client, session, setup):
    _, site, headers, _ = setup
    order = make_order(session, site=site, now=now())
    cancel = client.post(f"{url(order)}/cancel", json={"reason": "off"}, headers=headers)
    assert cancel.status_code == 200
    answer = client.patch(url(order), json={"notes": "x"}, headers=headers)
    assert answer.status_code == 409 and answer.json()["code"] == "order_not_changeable"


def test_an_order_under_way_keeps_its_headcount_but_takes_notes(client, session, setup):
    _, site, headers, _ = setup
    # Placed yesterday for an hour ago.
    order = make_order(
        session, site=site, now=now() - timedelta(days=1), starts_in=timedelta(hours=23)
    )
    answer = client.patch(url(order), json={"headcount": 5}, headers=headers)
    assert answer.status_code == 409 and answer.json()["code"] == "order_change_after_start"
    answer = client.patch(url(order), json={"notes": "Ворота 3"}, headers=headers)
    assert answer.status_code == 200 and answer.json()["notes"] == "Ворота 3"


def test_another_branchs_order_is_404_and_a_foreman_may_not(client, session, setup):
    branch, site, _, _ = setup
    order = make_order(session, site=site, now=now())
    other_branch, _ = make_branch_site(session)
    stranger = auth(make_user(session, role="dispatcher", branch=other_branch))
    assert client.patch(url(order), json={"headcount": 3}, headers=stranger).status_code == 404
    foreman = auth(make_user(session, role="foreman", branch=branch))
    assert client.patch(url(order), json={"headcount": 3}, headers=foreman).status_code == 403
    assert session.get(Order, order.id).headcount == 2
