"""A top-up after the start (dispatch/changes/topup.py): more heads, an urgent wave at the
widest radius worded "now", bookings until the end, late bookings due after the booking."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from dispatch.changes import topup
from dispatch.changes.named_errors import TopUpCountInvalid, TopUpNotOpen
from dispatch.fill import waves
from dispatch.models import Offer
from dispatch.orders.errors import OrderClosed, OrderNotFound
from dispatch.orders.roster import LATE_BOOKING_TRAVEL, due_at, lateness
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite
from sms.models import Message
from tests.builders import (
    MOSCOW,
    arrive_all,
    book,
    make_crew,
    make_order,
    make_user,
    make_worker,
    offset,
)

MIN = timedelta(minutes=1)


@pytest.fixture
def under_way(session, branch, site):
    """A 2-worker order (target 3), all three booked and arrived, 2 h into its shift; two
    more workers 15 km and 30 km away (beyond the first radius, within the widest)."""
    crew = make_crew(session, branch=branch, n=3)
    order = make_order(session, site=site, headcount=2)
    book(session, order, crew)
    foreman = actor_of(make_user(session, role="foreman", branch=branch))
    order.foreman_id = foreman.user_id
    arrive_all(session, order, crew, foreman=foreman)
    far = [
        make_worker(session, branch=branch, near=offset(MOSCOW, north_m=15_000)),
        make_worker(session, branch=branch, near=offset(MOSCOW, north_m=30_000)),
    ]
    return order, foreman, far


def offer_of(session, order, worker):
    return session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one_or_none()


def test_a_top_up_sends_an_urgent_wave_at_the_widest_radius(session, branch, under_way):
    order, foreman, far = under_way
    assert order.status == "in_progress"
    now = order.starts_at + 2 * 60 * MIN
    done = topup.top_up(session, order_id=order.id, count=2, actor=foreman, now=now)
    assert (order.headcount, order.booking_target) == (4, 5)  # 3 booked + 2
    assert order.overbooking_mode == "fixed" and order.topped_up_at == now
    assert done.radius_m == branch.max_radius_m == order.radius_m
    assert done.offers == 2 and order.status == "in_progress"  # marked: the board says so
    for worker in far:
        offer = offer_of(session, order, worker)
        assert offer is not None and offer.status == "queued"
        (text,) = session.scalars(select(Message).where(Message.offer_id == offer.id))
        assert text.kind == "offer" and text.body.startswith("Срочно, прямо сейчас")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "order.top_up").order_by(AuditEntry.id)
    ).one()
    assert entry.detail["count"] == 2 and entry.detail["headcount"] == [2, 4]


def test_an_in_progress_top_up_stays_in_progress_and_its_wave_goes_out(session, branch, under_way):
    order, foreman, far = under_way
    now = order.starts_at + 2 * 60 * MIN
    done = topup.top_up(session, order_id=order.id, count=2, actor=foreman, now=now)
    assert order.status == "in_progress" and done.offers == 2
    assert order.next_wave_at is not None  # the next wave is scheduled, as for any wave
    assert {offer_of(session, order, w).status for w in far} == {"queued"}
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "order.top_up").order_by(AuditEntry.id)
    ).one()
    assert entry.detail["status"] == ["in_progress", "in_progress"]
    # Nobody answers: at the timeout the next wave goes out, still in_progress.
    newcomer = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=20_000))
    assert waves.wave_due(session, order.id, order.wave, order.next_wave_at) == 1
    assert offer_of(session, order, newcomer).status == "queued"
    assert order.status == "in_progress"


def test_a_filled_order_without_a_mark_is_filling_again_after_a_top_up(
    session, branch, site, dispatcher
):
    """Filled, its start passed, nobody marked yet: not in progress, so it is filling."""
    crew = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = make_order(session, site=site, headcount=2)
    book(session, order, crew)
    assert order.status == "filled"
    far = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=15_000))
    done = topup.top_up(
        session, order_id=order.id, count=1, actor=dispatcher, now=order.starts_at + 5 * MIN
    )
    assert done.offers == 1 and order.status == "filling"
    assert offer_of(session, order, far).status == "queued"


def test_a_yes_books_until_the_end_and_the_late_booked_is_due_after_booking(
    session, branch, under_way, dispatcher
):
    order, foreman, (first, second) = under_way
    now = order.starts_at + 2 * 60 * MIN
    topup.top_up(session, order_id=order.id, count=1, actor=dispatcher, now=now)
    offer = waves.answer(
        session, order_id=order.id, worker_id=first.id, yes=True, source="sms", now=now + MIN
    )
    assert offer.status == "booked" and order.next_wave_at is None  # full: no wave due
    assert order.status == "in_progress"  # and under way: not "filled"
    assert due_at(order, offer) == now + MIN + LATE_BOOKING_TRAVEL
    # The sweep, past start + late_as_no_show_min, leaves the late-booked worker alone...
    sweep_at = now + 30 * MIN
    assert onsite.sweep_no_shows(session, order.id, sweep_at) == 0
    assert offer.attendance is None
    # ...and lateness counts from when they were due, not from the start.
    offer.attendance, offer.arrived_at = "arrived", now + 50 * MIN
    assert lateness(order, branch, offer) == ("early", -11)  # 170 min after the start
    offer.arrived_at = now + MIN + LATE_BOOKING_TRAVEL + 20 * MIN
    assert lateness(order, branch, offer) == ("late", 20)
    # Past the end, answers are closed again.
    with pytest.raises(OrderClosed):
        waves.answer(
            session,
            order_id=order.id,
            worker_id=second.id,
            yes=True,
            source="sms",
            now=order.ends_at,
        )


def test_the_sweep_still_takes_a_late_booked_no_show_once_due(session, under_way, dispatcher):
    order, _, (first, _) = under_way
    now = order.starts_at + 2 * 60 * MIN
    topup.top_up(session, order_id=order.id, count=1, actor=dispatcher, now=now)
    offer = waves.answer(
        session, order_id=order.id, worker_id=first.id, yes=True, source="sms", now=now
    )
    due = now + LATE_BOOKING_TRAVEL + 60 * MIN  # + the branch's late_as_no_show_min
    assert onsite.sweep_no_shows(session, order.id, due) == 0
    assert onsite.sweep_no_shows(session, order.id, due + MIN) == 1
    assert offer.attendance == "no_show"


def test_a_top_up_only_while_under_way(session, site, dispatcher):
    order = make_order(session, site=site)
    with pytest.raises(TopUpNotOpen) as early:
        topup.top_up(
            session, order_id=order.id, count=1, actor=dispatcher, now=order.starts_at - MIN
        )
    assert early.value.reason == "not_started"
    with pytest.raises(TopUpNotOpen) as late:
        topup.top_up(session, order_id=order.id, count=1, actor=dispatcher, now=order.ends_at)
    assert late.value.reason == "ended"
    order.status = "cancelled"
    with pytest.raises(TopUpNotOpen) as closed:
        topup.top_up(session, order_id=order.id, count=1, actor=dispatcher, now=order.starts_at)
    assert closed.value.reason == "closed"


@pytest.mark.parametrize("count", [0, -1, topup.MAX_TOP_UP + 1])
def test_the_count_is_checked(session, site, dispatcher, count):
    order = make_order(session, site=site)
    with pytest.raises(TopUpCountInvalid):
        topup.top_up(session, order_id=order.id, count=count, actor=dispatcher, now=order.starts_at)
    assert order.headcount == 2


def test_a_foreman_tops_up_only_their_own_orders(session, branch, under_way):
    order, _, _ = under_way
    other = actor_of(make_user(session, role="foreman", branch=branch))
    with pytest.raises(OrderNotFound):
        topup.top_up(
            session, order_id=order.id, count=1, actor=other, now=order.starts_at + 5 * MIN
        )
    assert order.headcount == 2 and order.topped_up_at is None


def test_before_a_top_up_a_started_order_still_sends_nobody(session, under_way):
    order, _, _ = under_way
    order.status = "short"
    assert waves.run_wave(session, order, order.starts_at + MIN, widest=True) == 0


def test_a_top_ups_later_waves_go_out_after_the_next_mark(session, branch, under_way):
    """The next mark says in_progress; the top-up's waves still go out until the end, and
    the order under way stays in_progress however its fill goes."""
    order, foreman, (first, _) = under_way
    now = order.starts_at + 2 * 60 * MIN
    topup.top_up(session, order_id=order.id, count=2, actor=foreman, now=now)  # 3 booked of 5
    waves.answer(session, order_id=order.id, worker_id=first.id, yes=True, source="sms", now=now)
    onsite.mark_attendance(
        session,
        order.id,
        actor=foreman,
        worker_id=first.id,
        status="arrived",
        at=now + 20 * MIN,
        now=now + 20 * MIN,
    )
    assert order.status == "in_progress"
    newcomer = make_worker(session, branch=branch, near=offset(MOSCOW, north_m=20_000))
    due = order.next_wave_at
    assert (order.id, order.wave) in waves.overdue_orders(session, due + 10 * MIN, 5 * MIN)
    assert waves.wave_due(session, order.id, order.wave, due) == 1
    assert offer_of(session, order, newcomer).status == "queued"
    assert order.status == "in_progress" and order.next_wave_at is not None
    offer = waves.answer(
        session, order_id=order.id, worker_id=newcomer.id, yes=True, source="sms", now=due + MIN
    )
    assert offer.status == "booked" and order.next_wave_at is None
    assert order.status == "in_progress"  # full, and under way: not "filled"
    # A drop-out: a wave due at once, none after the end, and still in_progress.
    quit_at = due + 2 * MIN
    waves.answer(
        session, order_id=order.id, worker_id=newcomer.id, yes=False, source="sms", now=quit_at
    )
    assert order.status == "in_progress" and order.next_wave_at == quit_at
    after = order.ends_at + 10 * MIN
    assert waves.overdue_orders(session, after, 5 * MIN) == []
    assert waves.wave_due(session, order.id, order.wave, after) == 0
    assert waves.run_wave(session, order, order.ends_at) == 0
    assert order.status == "in_progress" and order.next_wave_at is None
