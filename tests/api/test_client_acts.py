"""What a client (a client user, or its API key) does by the API beyond placing orders: never
names a foreman nor tunes the overbooking, reviews the workers who came as the client, favours
and blocks only the workers it has had, and sees of them, in those lists, nothing but what
Sight.CLIENT allows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core.clock import now
from dispatch.models import Client, Order
from rating.models import Review
from tests.builders import (
    auth,
    key_auth,
    make_branch,
    make_client,
    make_client_user,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

API = "/api/v1"
NAME, PHONE = "Петров Иван Ильич", "+79215550077"


@pytest.fixture
def world(session):
    """A client with a closed order whose booked worker came, and a stranger it never had."""
    branch = make_branch(session)
    client = make_client(session, branch=branch)
    site = make_site(session, client=client)
    start = now() - timedelta(hours=10)
    order = make_order(session, site=site, now=start - timedelta(hours=1), starts_in=timedelta(1))
    order.starts_at, order.ends_at = start, start + timedelta(hours=8)
    worker = make_worker(session, branch=branch, full_name=NAME, phone=PHONE)
    offer = make_offer(session, order=order, worker=worker, booked_at=start - timedelta(hours=1))
    offer.attendance, offer.arrived_at = "arrived", start
    order.status, order.closed_at = "completed", start + timedelta(hours=8)
    session.flush()
    return {
        "branch": branch,
        "client": client,
        "site": site,
        "order": order,
        "worker": worker,
        "stranger": make_worker(session, branch=branch),
        "foreman": make_user(session, role="foreman", branch=branch),
        "dispatcher": make_user(session, role="dispatcher", branch=branch),
    }


def _caller(session, world, caller):
    client = session.get(Client, world["client"].id)
    if caller == "key":
        return key_auth(session, client=client)
    return auth(make_client_user(session, client=client))


def _new_order(world):
    starts = now() + timedelta(days=2)
    return {
        "site_id": world["site"].id,
        "skill": "loader",
        "headcount": 1,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=8)).isoformat(),
    }


@pytest.mark.parametrize("caller", ["user", "key"])
def test_a_client_names_no_foreman(client, session, world, caller):
    headers = _caller(session, world, caller)
    open_order = make_order(session, site=world["site"], now=now())
    body = {**_new_order(world), "foreman_id": world["foreman"].id}
    path = f"{API}/orders/{open_order.id}"
    for answer in (
        client.post(f"{API}/orders", json=body, headers=headers),
        client.patch(path, json={"foreman_id": world["foreman"].id}, headers=headers),
        client.patch(path, json={"foreman_id": None}, headers=headers),
    ):
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "client_sets_no_foreman"
        assert answer.json()["detail"][0]["loc"] == ["body", "foreman_id"]
    session.refresh(open_order)
    assert open_order.foreman_id is None
    office = client.patch(
        f"{API}/orders/{open_order.id}",
        json={"foreman_id": world["foreman"].id},
        headers=auth(world["dispatcher"]),
    )
    session.refresh(open_order)
    assert office.status_code == 200 and open_order.foreman_id == world["foreman"].id


KNOBS = {"overbook_factor": "1.5", "overbooking_mode": "adaptive", "fill_goal": "0.9"}


@pytest.mark.parametrize("caller", ["user", "key"])
def test_a_client_sets_no_overbooking_the_office_does(client, session, world, caller):
    headers = _caller(session, world, caller)
    body = _new_order(world)
    placed = select(func.count()).select_from(Order).where(Order.site_id == world["site"].id)
    before = session.scalar(placed)
    for name, value in KNOBS.items():
        answer = client.post(f"{API}/orders", json={**body, name: value}, headers=headers)
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] == "client_sets_no_overbooking"
        assert answer.json()["detail"][0]["loc"] == ["body", name]
    assert session.scalar(placed) == before
    rates = {"client_rate": "250.00", "worker_rate": "120.00"}
    office = client.post(
        f"{API}/orders", json={**body, **rates, **KNOBS}, headers=auth(world["dispatcher"])
    )
    assert office.status_code == 201, office.text
    order = session.get_one(Order, office.json()["id"])
    assert (order.overbook_factor, order.overbooking_mode, order.fill_goal) == (
        Decimal("1.5"),
        "adaptive",
        Decimal("0.9"),
    )


@pytest.mark.parametrize("caller", ["user", "key"])
def test_a_client_reviews_a_worker_who_came_as_the_client(client, session, world, caller):
    headers = _caller(session, world, caller)
    worker, order = world["worker"], world["order"]
    path = f"{API}/orders/{order.id}/reviews"
    # A client's review is the client's, whatever source it says.
    body = {"worker_id": worker.id, "stars": 2, "source": "foreman"}
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["source"] == "client"
    review = session.get(Review, answer.json()["id"])
    assert (review.source, review.stars) == ("client", 2)
    assert PHONE not in answer.text and "Петров" not in answer.text
    # It counts in the rating like a foreman's (the worker's rating was refreshed from it).
    session.refresh(worker)
    assert float(worker.rating) < 5.0
    twice = client.post(path, json=body, headers=headers)
    assert twice.status_code == 409
    stranger = client.post(
        path, json={"worker_id": world["stranger"].id, "stars": 5}, headers=headers
    )
    assert stranger.status_code == 409 and stranger.json()["code"] == "did_not_work"


def test_another_clients_order_is_not_there_to_review(client, session, world):
    other = make_client(session, branch=world["branch"])
    headers = auth(make_client_user(session, client=other))
    path = f"{API}/orders/{world['order'].id}/reviews"
    answer = client.post(path, json={"worker_id": world["worker"].id, "stars": 5}, headers=headers)
    assert answer.status_code == 404


@pytest.mark.parametrize("caller", ["user", "key"])
@pytest.mark.parametrize("kind", ["favourites", "blocks"])
def test_a_client_marks_only_a_worker_it_has_had(client, session, world, caller, kind):
    headers = _caller(session, world, caller)
    base = f"{API}/clients/{world['client'].id}/{kind}"
    extra = {"reason": "rude"} if kind == "blocks" else {}
    for worker_id in (world["stranger"].id, 2_000_000_000):  # one of the base, and none at all
        refused = client.post(base, json={"worker_id": worker_id, **extra}, headers=headers)
        assert refused.status_code == 404
        assert refused.json()["code"] == "worker_not_had"
    had = client.post(base, json={"worker_id": world["worker"].id, **extra}, headers=headers)
    assert had.status_code == 201, had.text
    office = client.post(
        base, json={"worker_id": world["stranger"].id, **extra}, headers=auth(world["dispatcher"])
    )
    assert office.status_code == 201  # the office marks anyone of the base for the client


@pytest.mark.parametrize("caller", ["user", "key"])
def test_the_lists_show_a_client_nothing_of_the_workers_person(client, session, world, caller):
    headers = _caller(session, world, caller)
    base = f"{API}/clients/{world['client'].id}"
    worker = world["worker"]
    client.post(f"{base}/favourites", json={"worker_id": worker.id}, headers=headers)
    blocked = {"worker_id": world["stranger"].id, "reason": "late twice"}  # by the office
    client.post(f"{base}/blocks", json=blocked, headers=auth(world["dispatcher"]))
    for path, shown in (("favourites", worker.id), ("blocks", world["stranger"].id)):
        answer = client.get(f"{base}/{path}", headers=headers)
        assert answer.status_code == 200
        [line] = answer.json()
        assert line["worker_id"] == shown
        # Sight.CLIENT: never a phone, a home, a full name or a rating.
        assert set(line) <= {"client_id", "worker_id", "reason", "created_at"}
        for hidden in (PHONE, PHONE[-7:], "Петров", "Ильич"):
            assert hidden not in answer.text
