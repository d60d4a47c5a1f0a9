"""Short orders: "short by N" the moment the matcher has nobody left in the current ring, and
the dispatcher's two pushes (the next wave now, the widest radius now), on the real database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.db import session_scope
from core.tenancy import SYSTEM
from dispatch.enums import ORDER_STATUSES
from dispatch.fill import pushes, ranking, waves
from dispatch.fill.errors import FillingOver
from dispatch.models import Offer, Order
from dispatch.orders import service as orders
from dispatch.orders import shortage
from dispatch.orders.board import board
from dispatch.orders.errors import OrderNotFound
from dispatch.orders.shortage import short_by
from dispatch.registry.staff import actor_of
from tests.builders import (
    KAZAN,
    MOSCOW,
    NOW,
    make_branch,
    make_branch_site,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)
from tests.committed import purge_branch, purge_code
from tests.dispatch.test_races import _run_together, factory  # noqa: F401 - a fixture


def crew(session, branch, count, *, east_m):
    return [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=east_m + 10 * i))
        for i in range(count)
    ]


def offered(session, order) -> set[int]:
    return set(session.scalars(select(Offer.worker_id).where(Offer.order_id == order.id)))


def short_of(session, order, at=NOW) -> int:
    return shortage.shortages(session, [order], at)[order.id].by


def yes(session, order, worker_id, at=NOW):
    return waves.answer(
        session, order_id=order.id, worker_id=worker_id, yes=True, source="phone", now=at
    )


def pushes_of(session, order) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "order", AuditEntry.action.like("order.%_now"))
            .where(AuditEntry.entity_ids.contains([order.id]))
            .order_by(AuditEntry.id)
        )
    )


# -- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, headcount, booked, ring_dry, started, by",
    [
        ("filling", 156, 0, True, False, 156),  # the first wave's ring ran dry
        ("filling", 156, 0, False, False, 0),  # still someone to offer: not short yet
        ("filling", 10, 4, True, False, 6),
        ("short", 3, 0, True, False, 3),  # nobody left at the widest radius
        ("short", 10, 10, True, False, 0),  # enough for the headcount, below the target
        ("filled", 10, 15, True, False, 0),
        ("filling", 2, 1, False, True, 1),  # the shift began one short
        ("in_progress", 2, 2, False, True, 0),
        ("cancelled", 2, 0, True, True, 0),
        ("completed", 2, 1, True, True, 0),
    ],
)
def test_short_by(status, headcount, booked, ring_dry, started, by):
    assert (
        short_by(
            status=status, headcount=headcount, booked=booked, ring_dry=ring_dry, started=started
        )
        == by
    )


@given(
    status=st.sampled_from(ORDER_STATUSES),
    headcount=st.integers(1, 500),
    booked=st.integers(0, 1000),
    ring_dry=st.booleans(),
    started=st.booleans(),
)
def test_short_by_is_the_missing_headcount_when_nobody_is_coming(
    status, headcount, booked, ring_dry, started
):
    by = short_by(
        status=status, headcount=headcount, booked=booked, ring_dry=ring_dry, started=started
    )
    assert 0 <= by <= headcount
    if by:
        assert by == headcount - booked and (ring_dry or started)
        assert status not in ("completed", "cancelled")


# -- short the moment the ring runs dry ----------------------------------------------------


def test_a_ring_that_runs_dry_in_the_first_wave_makes_the_order_short_at_once(
    session, branch, site
):
    near = crew(session, branch, 3, east_m=2_000)  # 3 within 10 km; a wave of 30 asks more
    crew(session, branch, 20, east_m=30_000)  # more beyond: the ring is dry, not the branch
    order = make_order(session, site=site, headcount=10)
    assert waves.start_filling(session, order.id, NOW) == 3
    assert offered(session, order) == {w.id for w in near}
    assert order.status == "filling" and order.radius_m == 10_000  # offers are out...
    assert order.ring_dry_at == NOW and short_of(session, order) == 10  # ...and it is short
    yes(session, order, near[0].id)
    yes(session, order, near[1].id)
    assert short_of(session, order) == 8  # N = headcount - booked
    [line] = [line for line in _board(session, branch) if line.order.id == order.id]
    assert line.shortage.by == 8 and line.short and line.shortage.can_widen


def _board(session, branch):
    actor = actor_of(make_user(session, role="dispatcher", branch=branch))
    return board(session, actor=actor, now=NOW + timedelta(hours=13))  # the order's eve


def test_a_ring_with_someone_left_is_not_short(session, branch, site):
    crew(session, branch, 40, east_m=2_000)
    order = make_order(session, site=site, headcount=10)  # a wave of 30
    assert waves.start_filling(session, order.id, NOW) == 30
    assert order.ring_dry_at is None and short_of(session, order) == 0


@pytest.mark.parametrize("workers, dry", [(4, True), (5, False)])
def test_exactly_a_wave_in_the_ring_leaves_nobody(session, branch, site, workers, dry):
    crew(session, branch, workers, east_m=2_000)
    order = make_order(session, site=site, headcount=1)  # target 2: a wave of 4
    assert waves.start_filling(session, order.id, NOW) == 4
    assert (order.ring_dry_at is not None) is dry
    assert short_of(session, order) == (1 if dry else 0)


def test_a_wider_wave_with_people_to_spare_is_no_longer_short(session, branch, site):
    crew(session, branch, 2, east_m=2_000)
    crew(session, branch, 10, east_m=12_000)  # within the second wave's 15 km
    order = make_order(session, site=site, headcount=2)  # target 3: waves of 6
    waves.start_filling(session, order.id, NOW)
    assert short_of(session, order) == 2
    waves.wave_due(session, order.id, 1, order.next_wave_at)
    assert order.radius_m == 15_000 and order.ring_dry_at is None
    assert short_of(session, order) == 0


def test_a_dropout_from_a_dry_ring_raises_n(session, branch, site):
    near = crew(session, branch, 3, east_m=2_000)
    order = make_order(session, site=site, headcount=2)  # target 3: a wave of 6
    waves.start_filling(session, order.id, NOW)
    for worker in near:
        yes(session, order, worker.id)
    assert order.status == "filled" and short_of(session, order) == 0
    later = NOW + timedelta(minutes=1)
    for worker in near[:2]:
        waves.answer(
            session, order_id=order.id, worker_id=worker.id, yes=False, source="sms", now=later
        )
    assert short_of(session, order, later) == 1


def test_growth_that_never_reaches_the_widest_radius_still_stops(session, site, branch):
    branch.search_radius_m, branch.max_radius_m = 500, 300_000
    branch.radius_growth = Decimal("1.10")  # 500 x 1.1^64 is about 222 km: growth stops first
    order = make_order(session, site=site, headcount=1)
    assert waves.start_filling(session, order.id, NOW) == 0
    last = ranking.widest_wave(500, 300_000, Decimal("1.10"))
    assert order.wave == last == 65 and order.status == "short"
    assert short_of(session, order) == 1


# -- the pushes ----------------------------------------------------------------------------


def test_the_next_wave_now_offers_the_next_ring_without_waiting(session, branch, site, dispatcher):
    near = crew(session, branch, 2, east_m=2_000)
    next_ring = crew(session, branch, 3, east_m=13_000)  # beyond 10 km, within 15 km
    order = make_order(session, site=site, headcount=3)
    waves.start_filling(session, order.id, NOW)
    assert short_of(session, order) == 3
    at = NOW + timedelta(minutes=1)  # long before the timeout
    done = pushes.send_next_wave(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    assert done.offers == 3 and not done.repeated
    assert order.wave == 2 and order.radius_m == 15_000
    assert offered(session, order) == {w.id for w in near + next_ring}
    assert order.next_wave_at == at + timedelta(minutes=10)
    assert waves.wave_due(session, order.id, 1, NOW + timedelta(minutes=10)) == 0  # stale now
    [entry] = pushes_of(session, order)
    assert entry.action == "order.next_wave_now" and entry.actor_user_id == dispatcher.user_id
    assert entry.detail == {"code": order.code, "wave": 2, "radius_m": 15_000, "offers": 3}


def test_widening_now_offers_the_widest_radius_at_once(session, branch, site, dispatcher):
    crew(session, branch, 2, east_m=2_000)
    far = crew(session, branch, 4, east_m=35_000)  # only the widest radius (40 km) reaches them
    order = make_order(session, site=site, headcount=3)
    waves.start_filling(session, order.id, NOW)
    at = NOW + timedelta(minutes=1)
    done = pushes.widen_now(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    assert done.offers == 4 and order.radius_m == 40_000 and order.wave == 5
    assert {w.id for w in far} <= offered(session, order)
    [entry] = pushes_of(session, order)
    assert entry.action == "order.widen_now" and entry.detail["radius_m"] == 40_000
    after = shortage.shortages(session, [order], at)[order.id]
    assert after.short and after.can_push and not after.can_widen  # 6 of 6 found: still dry


def test_a_double_submit_sends_one_wave(session, branch, site, dispatcher):
    crew(session, branch, 2, east_m=2_000)
    crew(session, branch, 10, east_m=13_000)
    order = make_order(session, site=site, headcount=3)
    waves.start_filling(session, order.id, NOW)
    at = NOW + timedelta(minutes=1)
    first = pushes.send_next_wave(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    count = len(offered(session, order))
    again = pushes.send_next_wave(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    widen = pushes.widen_now(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    assert first.offers > 0 and again.repeated and widen.repeated
    assert again.offers == widen.offers == 0 and order.wave == 2
    assert len(offered(session, order)) == count and len(pushes_of(session, order)) == 1


@pytest.mark.parametrize("how", ["started", "cancelled"])
def test_no_push_once_the_filling_is_over(session, branch, site, dispatcher, how):
    crew(session, branch, 2, east_m=2_000)
    order = make_order(session, site=site, headcount=3)
    waves.start_filling(session, order.id, NOW)
    at = NOW + timedelta(minutes=1)
    if how == "started":
        at = order.starts_at + timedelta(minutes=1)
    else:
        orders.cancel_order(session, order.id, actor=SYSTEM, reason="called off", now=at)
    with pytest.raises(FillingOver):
        pushes.send_next_wave(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    with pytest.raises(FillingOver):
        pushes.widen_now(session, order.id, actor=dispatcher, seen_wave=1, now=at)
    assert order.wave == 1 and pushes_of(session, order) == []


def test_another_branchs_order_cannot_be_pushed(session, site, dispatcher):
    theirs = make_branch(session, center=KAZAN)
    order = make_order(session, site=make_site(session, client=make_client(session, branch=theirs)))
    with pytest.raises(OrderNotFound):
        pushes.send_next_wave(session, order.id, actor=dispatcher, seen_wave=0, now=NOW)


# -- a double click on two connections at once ---------------------------------------------


@pytest.fixture
def short_order(factory):  # noqa: F811 - the fixture imported above
    with session_scope(factory) as session:
        purge_code(session, "SHORTRACE")
        branch, site = make_branch_site(session, code="SHORTRACE")
        for i in range(2):
            make_worker(
                session,
                branch=branch,
                near=offset(MOSCOW, east_m=2_000 + 10 * i),
                phone=f"+7991{i:07d}",
            )
        for i in range(10):
            make_worker(
                session,
                branch=branch,
                near=offset(MOSCOW, east_m=13_000 + 10 * i),
                phone=f"+7991{i + 2:07d}",
            )
        order = make_order(session, site=site, headcount=3)
        waves.start_filling(session, order.id, NOW)
        actor = actor_of(make_user(session, role="dispatcher", branch=branch))
        ids = (branch.id, order.id, actor)
    yield ids
    with session_scope(factory) as session:
        purge_branch(session, ids[0])


def test_two_pushes_of_one_wave_at_once_send_one_wave(factory, short_order):  # noqa: F811
    _, order_id, actor = short_order
    at = NOW + timedelta(minutes=1)

    def push(i):
        with session_scope(factory) as session:
            how = pushes.send_next_wave if i % 2 else pushes.widen_now
            return how(session, order_id, actor=actor, seen_wave=1, now=at)

    done = _run_together(4, push)
    assert sorted(d.repeated for d in done) == [False, True, True, True]
    with session_scope(factory) as session:
        order = session.get(Order, order_id)
        waves = session.scalar(
            select(func.count(func.distinct(Offer.wave))).where(Offer.order_id == order_id)
        )
        entries = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action.like("order.%_now"), AuditEntry.entity_ids.contains([order_id])
            )
        )
        assert waves == 2 and entries == 1 and order.wave in (2, 5)
