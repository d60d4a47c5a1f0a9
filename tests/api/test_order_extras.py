"""POST /orders/{id}/book and /orders/{id}/top-up (api/routes/order_extras.py): answers,
refusals by code, and who may: another branch's dispatcher 404, a foreman of another order
404, a foreman never books; a refused request writes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.clock import now
from dispatch.models import Offer
from sms.models import Message
from tests.builders import (
    MOSCOW,
    auth,
    make_branch_site,
    make_offer,
    make_order,
    make_user,
    make_worker,
    offset,
)


@pytest.fixture
def office(session):
    branch, site = make_branch_site(session)
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    foreman = make_user(session, role="foreman", branch=branch)
    site.foreman_id = foreman.id
    other_branch, _ = make_branch_site(session)
    stranger = make_user(session, role="dispatcher", branch=other_branch)
    other_foreman = make_user(session, role="foreman", branch=branch)
    return {
        "branch": branch,
        "site": site,
        "office": auth(dispatcher),
        "foreman": auth(foreman),
        "stranger": auth(stranger),
        "other_foreman": auth(other_foreman),
    }


def written(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Offer, Message, AuditEntry)
    )


def test_book_a_named_worker(client, session, office):
    order = make_order(session, site=office["site"], now=now())
    worker = make_worker(session, branch=office["branch"])
    answer = client.post(
        f"/api/v1/orders/{order.id}/book", json={"worker_id": worker.id}, headers=office["office"]
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "booked" and body["answer_source"] == "named"
    assert session.scalar(
        select(func.count()).where(Message.worker_id == worker.id, Message.kind == "booked")
    )


def test_an_ineligible_worker_is_422_with_the_rules_code_and_nothing_written(
    client, session, office
):
    order = make_order(session, site=office["site"], now=now())
    worker = make_worker(
        session, branch=office["branch"], suspended_until=now() + timedelta(days=2)
    )
    before = written(session)
    answer = client.post(
        f"/api/v1/orders/{order.id}/book", json={"worker_id": worker.id}, headers=office["office"]
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "named_not_eligible" and body["reason"] == "suspended"
    assert body["detail"][0]["loc"] == ["body", "worker_id"]
    assert written(session) == before


def test_a_full_order_is_409_unless_over_target(client, session, office):
    order = make_order(session, site=office["site"], now=now(), headcount=1, overbook_factor=1)
    first, second = (
        make_worker(session, branch=office["branch"], near=offset(MOSCOW, east_m=i * 50))
        for i in range(2)
    )
    url = f"/api/v1/orders/{order.id}/book"
    assert client.post(url, json={"worker_id": first.id}, headers=office["office"]).is_success
    full = client.post(url, json={"worker_id": second.id}, headers=office["office"])
    assert full.status_code == 409 and full.json()["code"] == "order_full"
    anyway = client.post(
        url, json={"worker_id": second.id, "over_target": True}, headers=office["office"]
    )
    assert anyway.status_code == 200 and anyway.json()["status"] == "booked"


def test_who_may_book(client, session, office):
    order = make_order(session, site=office["site"], now=now())
    worker = make_worker(session, branch=office["branch"])
    url, body = f"/api/v1/orders/{order.id}/book", {"worker_id": worker.id}
    assert client.post(url, json=body, headers=office["stranger"]).status_code == 404
    assert client.post(url, json=body, headers=office["foreman"]).status_code == 403
    assert client.post(url, json={"worker_id": 0}, headers=office["office"]).status_code == 422
    missing = client.post(url, json={"worker_id": 999_999}, headers=office["office"])
    assert missing.status_code == 404 and missing.json()["code"] == "worker_not_found"


def _started(session, office):
    """An order that started two hours ago, one worker booked."""
    order = make_order(
        session,
        site=office["site"],
        now=now() - timedelta(days=1),
        starts_in=timedelta(days=1) - timedelta(hours=2),
    )
    booked = make_worker(session, branch=office["branch"])
    make_offer(session, order=order, worker=booked, booked_at=now() - timedelta(days=1))
    make_worker(session, branch=office["branch"], near=offset(MOSCOW, north_m=30_000))
    return order


def test_the_sites_foreman_tops_up_an_order_under_way(client, session, office):
    order = _started(session, office)
    answer = client.post(
        f"/api/v1/orders/{order.id}/top-up", json={"count": 2}, headers=office["foreman"]
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["headcount"] == 4 and body["booking_target"] == 4  # max(4, 1 booked + 2)
    assert body["radius_m"] == office["branch"].max_radius_m and body["offers"] == 1
    urgent = session.scalars(
        select(Message.body).where(Message.order_id == order.id, Message.kind == "offer")
    ).one()
    assert urgent.startswith("Срочно")


def test_top_up_refusals(client, session, office):
    order = _started(session, office)
    url = f"/api/v1/orders/{order.id}/top-up"
    ahead = make_order(session, site=office["site"], now=now())
    before = written(session)
    assert client.post(url, json={"count": 1}, headers=office["stranger"]).status_code == 404
    assert client.post(url, json={"count": 1}, headers=office["other_foreman"]).status_code == 404
    assert client.post(url, json={"count": 0}, headers=office["office"]).status_code == 422
    assert client.post(url, json={"count": "2"}, headers=office["office"]).status_code == 422
    early = client.post(
        f"/api/v1/orders/{ahead.id}/top-up", json={"count": 1}, headers=office["office"]
    )
    assert early.status_code == 409
    assert (early.json()["code"], early.json()["reason"]) == ("top_up_not_open", "not_started")
    assert written(session) == before


def test_a_complaints_reason_is_kept_other_when_not_said_and_only_with_a_complaint(
    client, session, office
):
    order = _started(session, office)
    came = [make_worker(session, branch=office["branch"]) for _ in range(3)]
    for worker in came:
        make_offer(session, order=order, worker=worker, attendance="arrived", arrived_at=now())
    url = f"/api/v1/orders/{order.id}/reviews"
    said = client.post(
        url,
        json={
            "worker_id": came[0].id,
            "stars": 1,
            "complaint": True,
            "complaint_reason": "intoxicated",
            "comment": "пришёл пьяным",
        },
        headers=office["foreman"],
    )
    assert said.status_code == 201 and said.json()["complaint_reason"] == "intoxicated"
    unsaid = client.post(
        url,
        json={"worker_id": came[1].id, "stars": 2, "complaint": True, "comment": "опоздал"},
        headers=office["foreman"],
    )
    assert unsaid.status_code == 201 and unsaid.json()["complaint_reason"] == "other"
    for body in (
        {"worker_id": came[2].id, "stars": 4, "complaint_reason": "rude"},
        {"worker_id": came[2].id, "stars": 2, "complaint": True, "complaint_reason": "bad"},
    ):
        refused = client.post(url, json=body, headers=office["foreman"])
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "complaint_reason"]
