"""The repeat-orders API: a copy (POST /orders/{id}/copy) and weekly patterns
(/order-patterns): the answers' shapes, 422s naming the field, 404 across branches, audit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Order, OrderPattern
from dispatch.repeat import patterns
from tests.api.test_orders import body
from tests.builders import auth, make_branch_site, make_user

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def setup(client, session):
    branch, site = make_branch_site(session)
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    order = client.post("/api/v1/orders", json=body(site), headers=headers).json()
    return order, headers


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def next_week(order) -> datetime:
    return datetime.fromisoformat(order["starts_at"]) + timedelta(days=7)


def test_a_copy_answers_201_with_the_new_order(client, session, setup):
    order, headers = setup
    starts_at = next_week(order)
    answer = client.post(
        f"/api/v1/orders/{order['id']}/copy",
        json={"starts_at": starts_at.isoformat()},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    copy = answer.json()
    assert copy["id"] != order["id"] and copy["repeat_of_id"] == order["id"]
    assert copy["status"] == "open" and copy["code"]
    assert datetime.fromisoformat(copy["starts_at"]) == starts_at
    assert datetime.fromisoformat(copy["ends_at"]) == datetime.fromisoformat(
        order["ends_at"]
    ) + timedelta(days=7)
    for name in ("site_id", "skill", "headcount", "booking_target", "client_rate", "worker_rate"):
        assert copy[name] == order[name], name
    assert copy["counts"]["offered"] == 0
    read = client.get(f"/api/v1/orders/{copy['id']}", headers=headers)
    assert read.status_code == 200


@pytest.mark.parametrize(
    ("sent", "field", "kind"),
    [
        ({}, "starts_at", "missing"),
        ({"starts_at": "2026-12-10T08:00:00"}, "starts_at", "timezone_aware"),
        ({"starts_at": "tomorrow"}, "starts_at", "datetime_from_date_parsing"),
        ({"starts_at": "2020-01-01T08:00:00+03:00"}, "starts_at", "shift_in_past"),
        (
            {"starts_at": "2026-12-10T08:00:00+03:00", "headcount": 3},
            "headcount",
            "extra_forbidden",
        ),
    ],
)
def test_a_copy_refused_names_the_field(client, session, setup, sent, field, kind):
    order, headers = setup
    before = _count(session, Order)
    answer = client.post(f"/api/v1/orders/{order['id']}/copy", json=sent, headers=headers)
    assert answer.status_code == 422, answer.text
    [item] = answer.json()["detail"]
    assert item["loc"] == ["body", field] and item["type"] == kind
    assert _count(session, Order) == before


def pattern_body(order, **changes):
    until = (datetime.fromisoformat(order["starts_at"]) + timedelta(days=21)).date()
    return {
        "order_id": order["id"],
        "weekdays": [1, 3],
        "until": until.isoformat(),
        "lead_h": 24,
        **changes,
    }


def test_a_pattern_answers_201_lists_and_deletes(client, session, setup):
    order, headers = setup
    answer = client.post("/api/v1/order-patterns", json=pattern_body(order), headers=headers)
    assert answer.status_code == 201, answer.text
    pattern = answer.json()
    assert set(pattern) == {
        "id",
        "order_id",
        "branch_id",
        "weekdays",
        "until",
        "lead_h",
        "created_at",
        "placed",
    }
    assert pattern["weekdays"] == [1, 3] and pattern["lead_h"] == 24 and pattern["placed"] == []
    listed = client.get(f"/api/v1/order-patterns?order_id={order['id']}", headers=headers)
    assert [p["id"] for p in listed.json()] == [pattern["id"]]
    assert client.get("/api/v1/order-patterns?order_id=999999", headers=headers).json() == []
    gone = client.delete(f"/api/v1/order-patterns/{pattern['id']}", headers=headers)
    assert gone.status_code == 204 and gone.content == b""
    assert (
        client.get(f"/api/v1/order-patterns?order_id={order['id']}", headers=headers).json() == []
    )
    again = client.delete(f"/api/v1/order-patterns/{pattern['id']}", headers=headers)
    assert again.status_code == 404 and again.json()["code"] == "pattern_not_found"
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity == "order_pattern")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["order_pattern.create", "order_pattern.delete"]


@pytest.mark.parametrize(
    ("changes", "field", "kind"),
    [
        ({"weekdays": []}, "weekdays", "too_short"),
        ({"weekdays": [0]}, ("weekdays", 0), "greater_than_equal"),
        ({"weekdays": [1, 8]}, ("weekdays", 1), "less_than_equal"),
        ({"weekdays": [2, 2]}, "weekdays", "pattern_weekdays_invalid"),
        ({"weekdays": ["mon"]}, ("weekdays", 0), "int_type"),
        ({"until": "2020-01-01"}, "until", "pattern_until_past"),
        ({"until": "someday"}, "until", "date_from_datetime_parsing"),
        ({"lead_h": 0}, "lead_h", "greater_than_equal"),
        ({"lead_h": 169}, "lead_h", "less_than_equal"),
        ({"lead_h": "24"}, "lead_h", "int_type"),
        ({"order_id": 0}, "order_id", "greater_than_equal"),
    ],
)
def test_a_pattern_refused_names_the_field(client, session, setup, changes, field, kind):
    order, headers = setup
    answer = client.post(
        "/api/v1/order-patterns", json=pattern_body(order, **changes), headers=headers
    )
    assert answer.status_code == 422, answer.text
    [item] = answer.json()["detail"]
    loc = ["body", *(field if isinstance(field, tuple) else (field,))]
    assert item["loc"] == loc and item["type"] == kind
    assert _count(session, OrderPattern) == 0


def test_until_on_the_orders_own_day_is_refused(client, setup):
    order, headers = setup
    day = datetime.fromisoformat(order["starts_at"]).astimezone(MSK).date()
    answer = client.post(
        "/api/v1/order-patterns", json=pattern_body(order, until=day.isoformat()), headers=headers
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["type"] == "pattern_until_before_order"


def test_another_branch_gets_404_and_a_foreman_403(client, session, setup):
    order, headers = setup
    pattern = client.post(
        "/api/v1/order-patterns", json=pattern_body(order), headers=headers
    ).json()
    other, _ = make_branch_site(session)
    stranger = auth(make_user(session, role="dispatcher", branch=other))
    start = {"starts_at": next_week(order).isoformat()}
    copy = client.post(f"/api/v1/orders/{order['id']}/copy", json=start, headers=stranger)
    assert copy.status_code == 404 and copy.json()["code"] == "order_not_found"
    made = client.post("/api/v1/order-patterns", json=pattern_body(order), headers=stranger)
    assert made.status_code == 404 and made.json()["code"] == "order_not_found"
    gone = client.delete(f"/api/v1/order-patterns/{pattern['id']}", headers=stranger)
    assert gone.status_code == 404 and gone.json()["code"] == "pattern_not_found"
    listed = client.get(f"/api/v1/order-patterns?order_id={order['id']}", headers=stranger)
    assert listed.status_code == 200 and listed.json() == []
    admin = auth(make_user(session, role="admin"))
    seen = client.get(f"/api/v1/order-patterns?order_id={order['id']}", headers=admin).json()
    assert [p["id"] for p in seen] == [pattern["id"]]
    branch_id = pattern["branch_id"]
    foreman = auth(make_user(session, role="foreman", branch=session.get(type(other), branch_id)))
    assert (
        client.post(f"/api/v1/orders/{order['id']}/copy", json=start, headers=foreman).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/order-patterns/{pattern['id']}", headers=foreman).status_code == 403
    )
    assert _count(session, Order) == 1  # nothing written by any refusal


def test_the_list_shows_the_orders_a_pattern_placed(client, session, setup):
    order, headers = setup
    every_day = pattern_body(order, weekdays=[1, 2, 3, 4, 5, 6, 7], lead_h=48)
    pattern = client.post("/api/v1/order-patterns", json=every_day, headers=headers).json()
    [placed] = patterns.place_days(session, pattern["id"], now())  # the job's step
    [listed] = client.get(f"/api/v1/order-patterns?order_id={order['id']}", headers=headers).json()
    assert listed["placed"] == [
        {
            "order_id": placed.id,
            "code": placed.code,
            "starts_at": listed["placed"][0]["starts_at"],
            "status": "open",
        }
    ]
    start = datetime.fromisoformat(listed["placed"][0]["starts_at"])
    assert start == datetime.fromisoformat(order["starts_at"]) + timedelta(days=1)
