"""A client's favourites are offered first, before the ranking, when eligible; in rank order
among themselves; an ineligible favourite is skipped like anyone else; never both blocked
and a favourite."""

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.tenancy import SYSTEM
from dispatch.fill import waves
from dispatch.fill.waves import preview_candidates
from dispatch.models import ClientFavourite, Offer
from dispatch.orders.crew import preferred_workers
from dispatch.registry import clients
from dispatch.registry.errors import FavouriteBlocked, FavouriteNotFound
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch,
    make_client,
    make_order,
    make_site,
    make_worker,
    offset,
)


@pytest.fixture
def scene(session):
    branch = make_branch(session, search_radius_m=10_000, max_radius_m=40_000)
    client = make_client(session, branch=branch)
    site = make_site(session, client=client, at=MOSCOW)
    return branch, client, site


def _favour(session, client, *workers):
    for worker in workers:
        clients.add_favourite(session, actor=SYSTEM, client_id=client.id, worker_id=worker.id)


def _ids(session, order, limit=100):
    return [c.worker_id for c, _ in preview_candidates(session, order, NOW, limit, actor=SYSTEM)]


def test_eligible_favourites_come_first_in_rank_order_then_the_ranking(session, scene):
    branch, client, site = scene
    near = offset(MOSCOW, north_m=300)
    best = make_worker(session, branch=branch, near=near, rating=5.0)
    good = make_worker(session, branch=branch, near=near, rating=4.5)
    fav_low = make_worker(session, branch=branch, near=near, rating=2.0)
    fav_mid = make_worker(session, branch=branch, near=near, rating=3.0)
    _favour(session, client, fav_low, fav_mid)
    order = make_order(session, site=site, headcount=2)

    assert preferred_workers(session, order) == sorted([fav_low.id, fav_mid.id])
    assert _ids(session, order) == [fav_mid.id, fav_low.id, best.id, good.id]


def test_the_first_wave_offers_favourites_first(session, scene):
    branch, client, site = scene
    near = offset(MOSCOW, east_m=400)
    others = [make_worker(session, branch=branch, near=near, rating=5.0) for _ in range(5)]
    favourite = make_worker(session, branch=branch, near=near, rating=1.5)
    _favour(session, client, favourite)
    order = make_order(session, site=site, headcount=1)  # target 2: a wave of 2 or 3

    made = waves.start_filling(session, order.id, NOW)

    offers = session.scalars(select(Offer).where(Offer.order_id == order.id).order_by(Offer.rank))
    ranked = [(o.rank, o.worker_id) for o in offers]
    assert made == len(ranked) < 6
    assert ranked[0] == (1, favourite.id)
    assert {w for _, w in ranked[1:]} <= {w.id for w in others}


def test_an_ineligible_favourite_is_skipped(session, scene):
    branch, client, site = scene
    near = offset(MOSCOW, north_m=200)
    plain = make_worker(session, branch=branch, near=near, rating=4.0)
    wrong_skill = make_worker(session, branch=branch, near=near, rating=5.0, skills=["cashier"])
    unvetted = make_worker(session, branch=branch, near=near, rating=5.0, vetted=False)
    too_far = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=45_000))
    _favour(session, client, wrong_skill, unvetted, too_far)
    order = make_order(session, site=site)

    assert _ids(session, order) == [plain.id]


def test_a_favourite_beyond_the_wave_but_within_the_widest_radius_is_offered(session, scene):
    """The client asked for them: the wave's ring limits the ranking, not a favourite; the
    branch's widest radius (40 km here) does."""
    branch, client, site = scene
    plain = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=500), rating=5.0)
    outer = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=25_000), rating=3.0)
    stranger = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=25_000))
    order = make_order(session, site=site)
    assert _ids(session, order) == [plain.id]  # 25 km: outside the first ring

    _favour(session, client, outer)

    assert _ids(session, order) == [outer.id, plain.id]
    assert stranger.id not in _ids(session, order)


def test_another_clients_favourite_gets_no_preference(session, scene):
    branch, client, site = scene
    other_client = make_client(session, branch=branch)
    near = offset(MOSCOW, north_m=100)
    best = make_worker(session, branch=branch, near=near, rating=5.0)
    theirs = make_worker(session, branch=branch, near=near, rating=2.0)
    _favour(session, other_client, theirs)
    order = make_order(session, site=site)

    assert _ids(session, order) == [best.id, theirs.id]


def test_a_favourite_already_offered_is_not_offered_twice(session, scene):
    branch, client, site = scene
    near = offset(MOSCOW, north_m=100)
    favourite = make_worker(session, branch=branch, near=near, rating=2.0)
    _favour(session, client, favourite)
    order = make_order(session, site=site, headcount=1)
    waves.start_filling(session, order.id, NOW)

    assert favourite.id not in _ids(session, order)


def test_the_limit_counts_favourites_first(session, scene):
    branch, client, site = scene
    near = offset(MOSCOW, north_m=100)
    for _ in range(3):
        make_worker(session, branch=branch, near=near, rating=5.0)
    favourites = [make_worker(session, branch=branch, near=near, rating=1.0) for _ in range(2)]
    _favour(session, client, *favourites)
    order = make_order(session, site=site)

    shown = _ids(session, order, limit=3)
    assert len(shown) == 3
    assert set(shown[:2]) == {f.id for f in favourites}


def test_a_blocked_worker_cannot_be_a_favourite(session, scene):
    branch, client, _ = scene
    worker = make_worker(session, branch=branch)
    clients.block_worker(
        session, actor=SYSTEM, client_id=client.id, worker_id=worker.id, reason="fight"
    )
    with pytest.raises(FavouriteBlocked):
        _favour(session, client, worker)
    assert session.get(ClientFavourite, (client.id, worker.id)) is None


def test_blocking_a_favourite_takes_them_off_the_favourites_and_says_so(session, scene):
    branch, client, _ = scene
    worker = make_worker(session, branch=branch)
    _favour(session, client, worker)

    clients.block_worker(
        session, actor=SYSTEM, client_id=client.id, worker_id=worker.id, reason="late twice"
    )

    assert clients.list_favourites(session, actor=SYSTEM, client_id=client.id) == []
    entry = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "client.block_worker")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and entry.detail["was_favourite"] is True


def test_favourites_are_audited_and_twice_is_one(session, scene):
    branch, client, _ = scene
    worker = make_worker(session, branch=branch)
    _favour(session, client, worker)
    _favour(session, client, worker)
    clients.remove_favourite(session, actor=SYSTEM, client_id=client.id, worker_id=worker.id)
    with pytest.raises(FavouriteNotFound):
        clients.remove_favourite(session, actor=SYSTEM, client_id=client.id, worker_id=worker.id)

    actions = session.scalars(
        select(AuditEntry.action)
        .where(
            AuditEntry.action.like("client.favourite%"), AuditEntry.entity_ids.contains([worker.id])
        )
        .order_by(AuditEntry.id)
    ).all()
    assert sorted(actions) == ["client.favourite_add", "client.favourite_remove"]
