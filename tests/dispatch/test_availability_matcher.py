"""What a worker texted decides what they are offered (workers/availability.py read by the
matcher): work on a day they said FREE comes to them first, whatever their rating or distance;
none on a day they said BUSY; none while their PAUSE lasts; each with its reason on the
candidate list and in "why not on the list"."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from core.tenancy import SYSTEM
from dispatch.fill import eligibility, waves
from dispatch.fill.matcher import find_candidates
from dispatch.models import Branch, Offer
from tests.builders import MOSCOW, NOW, make_order, make_worker, offset
from workers import availability


def day_of(order):
    """The order's local day in its branch's zone (Moscow): what FREE and BUSY name."""
    return order.starts_at.astimezone(ZoneInfo("Europe/Moscow")).date()


def preview(session, order):
    return waves.preview_candidates(session, order, NOW, 50, actor=SYSTEM)


def test_a_worker_free_that_day_is_ranked_first_with_the_reason(session, branch, site):
    best = make_worker(session, branch=branch, rating=5.0)
    free = make_worker(session, branch=branch, rating=1.0, near=offset(MOSCOW, east_m=5_000))
    other_day = make_worker(session, branch=branch, rating=2.0)
    order = make_order(session, site=site, headcount=1)
    availability.record(session, free.id, (day_of(order),), free=True, now=NOW)
    availability.record(
        session, other_day.id, (day_of(order) + timedelta(days=1),), free=True, now=NOW
    )
    ranked = preview(session, order)
    assert [c.worker_id for c, _ in ranked] == [free.id, best.id, other_day.id]
    first, reason = ranked[0]
    assert first.said_free and reason.startswith("said free that day by SMS: ranked first; ")
    assert not ranked[1][0].said_free and "said free" not in ranked[1][1]
    waves.start_filling(session, order.id, NOW)  # headcount 1: the first wave offers free first
    offered = session.scalars(select(Offer.worker_id).where(Offer.order_id == order.id)).all()
    assert free.id in offered


def test_free_first_holds_beyond_the_walks_bar(session, branch, site):
    """Many better-rated workers near the site than the limit: the free worker, far off and
    rated lowest, is still found and first (read apart from the walk)."""
    for n in range(8):
        make_worker(session, branch=branch, rating=5.0, near=offset(MOSCOW, east_m=10 * n))
    free = make_worker(session, branch=branch, rating=0.5, near=offset(MOSCOW, north_m=9_000))
    order = make_order(session, site=site, headcount=1)
    availability.record(session, free.id, (day_of(order),), free=True, now=NOW)
    branch_row = session.get_one(Branch, branch.id)
    found = find_candidates(
        session,
        order_id=order.id,
        site_id=site.id,
        client_id=order.client_id,
        skill="loader",
        starts_at=order.starts_at,
        ends_at=order.ends_at,
        radius_m=order.radius_m,
        rating_weight=branch_row.rating_weight,
        distance_weight=branch_row.distance_weight,
        now=NOW,
        limit=3,
    )
    assert found[0].worker_id == free.id and found[0].said_free
    assert len(found) == 3 and len({c.worker_id for c in found}) == 3


def test_a_free_worker_still_must_pass_every_rule(session, branch, site):
    far = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=40_000))
    order = make_order(session, site=site, headcount=1)
    availability.record(session, far.id, (day_of(order),), free=True, now=NOW)
    assert far.id not in {c.worker_id for c, _ in preview(session, order)}


def test_a_worker_busy_that_day_is_not_offered_and_why_says_so(session, branch, site, dispatcher):
    busy = make_worker(session, branch=branch, rating=5.0)
    fine = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1)
    availability.record(session, busy.id, (day_of(order),), free=False, now=NOW)
    assert [c.worker_id for c, _ in preview(session, order)] == [fine.id]
    why = eligibility.why_not_offered(session, order, busy.id, actor=dispatcher, now=NOW)
    assert why == ["said_busy"]
    # The next day's order is theirs to be offered: busy is that day only.
    tomorrow = make_order(session, site=site, headcount=1, starts_in=timedelta(days=2))
    assert busy.id in {c.worker_id for c, _ in preview(session, tomorrow)}


def test_the_day_is_the_orders_local_day(session, branch, site, dispatcher):
    """An order at 01:30 Moscow time is on that Moscow day, though still the day before in UTC."""
    worker = make_worker(session, branch=branch)
    starts = NOW.replace(hour=22, minute=30) + timedelta(days=1)  # 01:30 MSK the day after
    order = make_order(session, site=site, headcount=1, starts_in=starts - NOW)
    local = day_of(order)
    assert local != order.starts_at.date()
    availability.record(session, worker.id, (order.starts_at.date(),), free=False, now=NOW)
    assert eligibility.why_not_offered(session, order, worker.id, actor=dispatcher, now=NOW) == []
    availability.record(session, worker.id, (local,), free=False, now=NOW)
    assert eligibility.why_not_offered(session, order, worker.id, actor=dispatcher, now=NOW) == [
        "said_busy"
    ]


def test_a_paused_worker_is_not_offered_until_the_pause_ends(session, branch, site, dispatcher):
    paused = make_worker(session, branch=branch, rating=5.0, paused_until=NOW + timedelta(days=2))
    order = make_order(session, site=site, headcount=1)
    assert paused.id not in {c.worker_id for c, _ in preview(session, order)}
    why = eligibility.why_not_offered(session, order, paused.id, actor=dispatcher, now=NOW)
    assert why == ["paused"]
    later = NOW + timedelta(days=2, minutes=1)
    assert eligibility.for_offer(session, order, paused.id, later, order.radius_m).failed == []
