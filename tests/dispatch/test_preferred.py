"""Who is offered first (dispatch/orders/crew.py): a copy of an order offers last time's
crew and the client's favourites before the ranking, each once, eligible ones only, in rank
order among themselves; then everyone else."""

from datetime import timedelta

from core.tenancy import SYSTEM
from dispatch.fill.waves import preview_candidates
from dispatch.orders.crew import preferred_workers
from dispatch.registry import clients
from dispatch.repeat import copies
from tests.builders import MOSCOW, NOW, make_offer, make_order, make_worker, offset


def _ids(session, order):
    return [c.worker_id for c, _ in preview_candidates(session, order, NOW, 100, actor=SYSTEM)]


def test_a_copy_offers_last_crew_and_favourites_first_then_the_ranking(
    session, branch, site, dispatcher
):
    near = offset(MOSCOW, north_m=300)
    best = make_worker(session, branch=branch, near=near, rating=5.0)
    crew_low = make_worker(session, branch=branch, near=near, rating=2.0)
    crew_fav = make_worker(session, branch=branch, near=near, rating=3.0)
    favourite = make_worker(session, branch=branch, near=near, rating=4.0)
    crew_away = make_worker(session, branch=branch, near=near, rating=4.5)
    template = make_order(session, site=site, headcount=3, hours=8)
    for rank, worker in enumerate((crew_low, crew_fav, crew_away), start=1):
        offer = make_offer(session, order=template, worker=worker, attendance="arrived")
        offer.wave, offer.rank = 1, rank
    for worker in (crew_fav, favourite):
        clients.add_favourite(session, actor=SYSTEM, client_id=site.client_id, worker_id=worker.id)
    crew_away.suspended_until = NOW + timedelta(days=30)  # no longer eligible
    session.flush()

    copy = copies.copy_order(
        session, template.id, actor=dispatcher, starts_at=NOW + timedelta(days=4), now=NOW
    )

    preferred = preferred_workers(session, copy)
    assert sorted(preferred) == sorted({crew_low.id, crew_fav.id, crew_away.id, favourite.id})
    assert len(preferred) == 4  # the crew member who is also a favourite, once
    assert _ids(session, copy) == [favourite.id, crew_fav.id, crew_low.id, best.id]


def test_an_order_that_repeats_nothing_prefers_only_the_favourites(session, branch, site):
    worker = make_worker(session, branch=branch)
    clients.add_favourite(session, actor=SYSTEM, client_id=site.client_id, worker_id=worker.id)
    order = make_order(session, site=site, headcount=2)
    assert preferred_workers(session, order) == [worker.id]
