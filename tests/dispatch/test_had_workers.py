"""The workers a client has had (dispatch/access/had.py): those booked on its orders only, as
the client sees them (first name and initial), with their last shift, the stars this client
gave (not another client's, not a foreman's), and its favourites and blocks."""

from datetime import timedelta
from decimal import Decimal

import pytest

from core.audit import AuditEntry
from core.tenancy import SYSTEM
from dispatch.access.had import had_workers
from dispatch.models import Client
from dispatch.registry import clients
from dispatch.registry.errors import ClientNotFound
from dispatch.registry.staff import actor_of
from rating.models import Review
from tests.builders import (
    NOW,
    make_client,
    make_client_user,
    make_offer,
    make_order,
    make_site,
    make_worker,
)


def _review(session, order, worker, stars, source="client"):
    session.add(Review(order_id=order.id, worker_id=worker.id, stars=stars, source=source))
    session.flush()


@pytest.fixture
def scene(session, branch, site):
    client = session.get_one(Client, site.client_id)
    early = make_order(session, site=site, now=NOW - timedelta(days=20))
    late = make_order(session, site=site, now=NOW - timedelta(days=5))
    anna = make_worker(session, branch=branch, full_name="Смирнова Анна Петровна")
    ivan = make_worker(session, branch=branch, full_name="Петров Иван")
    for order in (early, late):
        make_offer(session, order=order, worker=anna, booked_at=order.starts_at)
    make_offer(session, order=early, worker=ivan, booked_at=early.starts_at)
    make_offer(session, order=late, worker=make_worker(session, branch=branch), status="sent")
    other_site = make_site(session, client=make_client(session, branch=branch))
    theirs = make_order(session, site=other_site, now=NOW)
    stranger = make_worker(session, branch=branch, full_name="Чужой Олег")
    make_offer(session, order=theirs, worker=stranger, booked_at=NOW)
    make_offer(session, order=theirs, worker=ivan, booked_at=NOW)
    _review(session, early, anna, 4)
    _review(session, late, anna, 5)
    _review(session, late, anna, 1, source="foreman")  # the foreman's: not the client's stars
    _review(session, theirs, ivan, 1)  # another client's
    clients.add_favourite(session, actor=SYSTEM, client_id=client.id, worker_id=anna.id)
    clients.block_worker(
        session, actor=SYSTEM, client_id=client.id, worker_id=ivan.id, reason="late"
    )
    user = actor_of(make_client_user(session, client=client))
    return {
        "client": client,
        "early": early,
        "late": late,
        "anna": anna,
        "ivan": ivan,
        "user": user,
    }


def test_the_client_sees_whom_it_had_as_it_may(session, scene):
    listed = had_workers(session, actor=scene["user"], client_id=scene["client"].id)
    assert [(w.name, w.shifts) for w in listed] == [("Анна С.", 2), ("Иван П.", 1)]
    anna, ivan = listed
    assert (
        anna.last_shift == scene["late"].starts_at and ivan.last_shift == scene["early"].starts_at
    )
    assert anna.stars == Decimal("4.5") and ivan.stars is None
    assert (anna.favourite, anna.blocked, ivan.favourite, ivan.blocked) == (
        True,
        False,
        False,
        True,
    )
    assert anna.skills == list(scene["anna"].skills)
    read = session.query(AuditEntry).filter_by(action="worker.list").all()[-1]
    assert sorted(read.entity_ids) == sorted([scene["anna"].id, scene["ivan"].id])
    assert read.detail["via"] == "portal.workers"


def test_another_clients_list_is_not_there(session, scene, branch):
    other = make_client(session, branch=branch)
    with pytest.raises(ClientNotFound):
        had_workers(session, actor=scene["user"], client_id=other.id)


def test_a_client_without_shifts_has_nobody(session, branch):
    client = make_client(session, branch=branch)
    user = actor_of(make_client_user(session, client=client))
    assert had_workers(session, actor=user, client_id=client.id) == []
