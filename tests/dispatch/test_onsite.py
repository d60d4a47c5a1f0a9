"""On site: the foreman's marks and their penalties, corrections, the no-show sweep, the close,
and which orders a foreman sees."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound
from core.money import money
from dispatch.models import Offer
from dispatch.orders import service as orders
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite
from rating import policy
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    MOSCOW,
    book,
    make_client,
    make_order,
    make_site,
    make_user,
    make_worker,
    offset,
)

MIN = timedelta(minutes=1)


@pytest.fixture
def shift(session, branch, site):
    """An 8 h order starting tomorrow with three booked workers."""
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = make_order(session, site=site, headcount=2)  # target 3
    book(session, order, workers)
    return order, workers


def mark(session, order, worker, status, actor, *, at, now=None):
    return onsite.mark_attendance(
        session,
        order.id,
        actor=actor,
        worker_id=worker.id,
        status=status,
        at=at,
        now=now or at,
    )


def entries(session, worker, kind=None):
    query = select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)
    if kind:
        query = query.where(PenaltyEvent.kind == kind)
    return list(session.scalars(query.order_by(PenaltyEvent.id)))


def texts(session, worker, kind):
    return list(
        session.scalars(select(Message).where(Message.worker_id == worker.id, Message.kind == kind))
    )


def offer_of(session, order, worker):
    return session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()


def counts(session):
    """Ledger, audit and outbox rows: what a failed call must leave as it was."""
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (PenaltyEvent, AuditEntry, Message)
    )


def figures_of(session, worker):
    session.refresh(worker)
    return (worker.rating, worker.reliability, worker.strikes, worker.suspended_until)


def test_on_time_arrival_no_penalty_order_under_way_audited(session, shift, dispatcher):
    order, (worker, *_) = shift
    at = order.starts_at + 10 * MIN  # the grace's last minute is on time
    offer = mark(session, order, worker, "arrived", dispatcher, at=at)
    assert (offer.attendance, offer.arrived_at, offer.left_at) == ("arrived", at, None)
    assert offer.attendance_by == dispatcher.user_id
    assert order.status == "in_progress"
    assert entries(session, worker) == []
    assert texts(session, worker, "penalty") == []
    audit = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "attendance.mark", AuditEntry.entity_ids.contains([offer.id]))
        .order_by(AuditEntry.id)
    ).one()
    assert audit.actor_user_id == dispatcher.user_id
    assert audit.detail["before"]["attendance"] is None
    assert audit.detail["after"]["attendance"] == "arrived"


def test_late_arrival_is_penalised_texted_and_recomputed(session, shift, dispatcher, branch):
    order, (worker, *_) = shift
    at = order.starts_at + 25 * MIN
    mark(session, order, worker, "arrived", dispatcher, at=at)
    expected = policy.judge_arrival(
        at,
        order.starts_at,
        grace_min=branch.late_grace_min,
        as_no_show_min=branch.late_as_no_show_min,
        late_fine_per_min=branch.late_fine_per_min,
    )
    (late,) = entries(session, worker)
    assert (late.kind, late.points, late.fine) == ("late", expected.points, expected.fine)
    assert (late.points, late.fine) == (1, money(branch.late_fine_per_min * 15))
    assert late.order_id == order.id and late.automatic and late.occurred_at == order.starts_at
    (sms,) = texts(session, worker, "penalty")
    assert order.code in sms.body and f"{late.fine:f}" in sms.body
    came_late = policy.figures([True], [False], [])
    assert figures_of(session, worker) == (came_late.rating, came_late.reliability, 1, None)


def test_more_than_an_hour_late_is_a_no_show_and_suspends(session, shift, dispatcher, branch):
    order, (worker, *_) = shift
    at = order.starts_at + timedelta(minutes=branch.late_as_no_show_min) + MIN
    mark(session, order, worker, "arrived", dispatcher, at=at)
    (no_show,) = entries(session, worker)
    assert (no_show.kind, no_show.points, no_show.fine) == (
        "no_show",
        policy.NO_SHOW_POINTS,
        branch.no_show_fine,
    )
    session.refresh(worker)
    until = order.starts_at + timedelta(days=branch.no_show_suspend_days)
    assert worker.suspended_until == until
    assert worker.reliability < policy.figures([], [], []).reliability
    assert len(texts(session, worker, "suspended")) == 1
    assert len(texts(session, worker, "penalty")) == 1


def test_a_late_mark_corrected_to_on_time_leaves_the_record_as_if_on_time(
    session, shift, dispatcher
):
    order, (worker, twin, _) = shift
    on_time = order.starts_at + 5 * MIN
    mark(session, order, twin, "arrived", dispatcher, at=on_time)  # never late
    mark(session, order, worker, "arrived", dispatcher, at=order.starts_at + 25 * MIN)
    (late,) = entries(session, worker)
    assert figures_of(session, worker) != figures_of(session, twin)
    later = order.starts_at + timedelta(hours=1)
    mark(session, order, worker, "arrived", dispatcher, at=on_time, now=later)
    session.refresh(late)
    assert late.reversed_at == later
    (reversal,) = entries(session, worker, "reversal")
    assert reversal.reverses_id == late.id
    assert figures_of(session, worker) == figures_of(session, twin)
    assert len(texts(session, worker, "penalty_reversed")) == 1


def test_late_and_back_to_on_time_restores_the_figures_exactly(session, shift, dispatcher):
    order, (worker, *_) = shift
    on_time, later = order.starts_at, order.starts_at + timedelta(hours=2)
    mark(session, order, worker, "arrived", dispatcher, at=on_time, now=later)
    before = figures_of(session, worker)
    mark(session, order, worker, "arrived", dispatcher, at=on_time + 30 * MIN, now=later)
    assert figures_of(session, worker) != before
    mark(session, order, worker, "arrived", dispatcher, at=on_time, now=later)
    assert figures_of(session, worker) == before
    assert [e.kind for e in entries(session, worker)] == ["late", "reversal"]


def test_a_no_show_corrected_to_released_lifts_the_suspension(session, shift, dispatcher):
    order, (worker, twin, _) = shift
    started = order.starts_at + 5 * MIN
    mark(session, order, twin, "released", dispatcher, at=order.starts_at, now=started)
    mark(session, order, worker, "no_show", dispatcher, at=None, now=started)
    session.refresh(worker)
    assert worker.suspended_until is not None
    (no_show,) = entries(session, worker)
    offer = mark(session, order, worker, "released", dispatcher, at=order.starts_at, now=started)
    assert offer.attendance == "released" and offer.arrived_at == order.starts_at
    session.refresh(no_show)
    assert no_show.reversed_at == started
    # The no-show taken back; a released worker's show-up pay is on the ledger like the twin's.
    assert [e.kind for e in entries(session, worker)] == ["no_show", "reversal", "compensation"]
    assert figures_of(session, worker) == figures_of(session, twin)
    assert worker.suspended_until is None
    # They are told they may work again, once, in their language (branch wording applies).
    (lifted,) = texts(session, worker, "suspension_lifted")
    assert "снова" in lifted.body
    assert texts(session, twin, "suspension_lifted") == []


def test_left_early_needs_an_arrival_and_a_time_after_it(session, shift, dispatcher):
    order, (worker, *_) = shift
    now = order.starts_at + timedelta(hours=5)
    before = counts(session)
    with pytest.raises(Conflict):
        mark(session, order, worker, "left_early", dispatcher, at=now)
    assert counts(session) == before
    mark(session, order, worker, "arrived", dispatcher, at=order.starts_at + 5 * MIN, now=now)
    before = counts(session)
    with pytest.raises(InvalidInput) as error:
        mark(session, order, worker, "left_early", dispatcher, at=order.starts_at, now=now)
    assert error.value.loc == ("body", "at")
    assert counts(session) == before
    offer = mark(session, order, worker, "left_early", dispatcher, at=now)
    assert (offer.attendance, offer.left_at) == ("left_early", now)
    assert offer.arrived_at == order.starts_at + 5 * MIN  # kept
    (left,) = entries(session, worker)
    assert (left.kind, left.points, left.fine) == ("left_early", policy.LEFT_EARLY_POINTS, 0)
    assert "180 min early" in left.reason  # 8 h shift, left after 5 h


def test_a_further_mark_keeps_what_still_applies(session, shift, dispatcher):
    order, (worker, *_) = shift
    late_at = order.starts_at + 25 * MIN
    mark(session, order, worker, "arrived", dispatcher, at=late_at)
    before = counts(session)
    mark(session, order, worker, "arrived", dispatcher, at=late_at, now=late_at + MIN)
    assert counts(session) == before  # the same mark again: nothing new, not even an audit
    mark(session, order, worker, "left_early", dispatcher, at=order.starts_at + timedelta(hours=6))
    assert [e.kind for e in entries(session, worker)] == ["late", "left_early"]
    assert all(e.reversed_at is None for e in entries(session, worker))
    session.refresh(worker)
    assert worker.strikes == 2


def test_bad_marks_change_nothing(session, shift, dispatcher, branch):
    order, (worker, *_) = shift
    stranger = make_worker(session, branch=branch, near=offset(MOSCOW, east_m=900))
    now = order.starts_at + 30 * MIN
    before = counts(session)
    with pytest.raises(Conflict):
        mark(session, order, stranger, "arrived", dispatcher, at=now)
    with pytest.raises(InvalidInput) as future:
        mark(session, order, worker, "arrived", dispatcher, at=now + MIN, now=now)
    assert future.value.loc == ("body", "at")
    with pytest.raises(Conflict):
        mark(session, order, worker, "no_show", dispatcher, at=None, now=order.starts_at - MIN)
    with pytest.raises(InvalidInput) as status:
        mark(session, order, worker, "came", dispatcher, at=now)
    assert status.value.loc == ("body", "status")
    with pytest.raises(InvalidInput) as too_early:
        mark(session, order, worker, "arrived", dispatcher, at=order.starts_at - timedelta(hours=4))
    assert too_early.value.loc == ("body", "at")
    assert counts(session) == before
    assert offer_of(session, order, worker).attendance is None
    assert order.status != "in_progress"


def test_the_close_makes_the_unmarked_no_shows_and_is_final(session, shift, dispatcher):
    order, (came, silent, _) = shift
    with pytest.raises(Conflict):
        onsite.close_shift(session, order.id, actor=dispatcher, now=order.starts_at - MIN)
    assert order.closed_at is None and order.status != "completed"
    mark(session, order, came, "arrived", dispatcher, at=order.starts_at)
    closing = order.ends_at
    onsite.close_shift(session, order.id, actor=dispatcher, now=closing)
    assert (order.status, order.closed_at) == ("completed", closing)
    offer = offer_of(session, order, silent)
    assert (offer.attendance, offer.attendance_by) == ("no_show", dispatcher.user_id)
    assert [e.kind for e in entries(session, silent)] == ["no_show"]
    assert offer_of(session, order, came).attendance == "arrived"
    assert entries(session, came) == []
    closed = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "order.close", AuditEntry.entity_ids.contains([order.id]))
        .order_by(AuditEntry.id)
    ).all()
    assert len(closed) == 1
    before = counts(session)
    with pytest.raises(Conflict):
        onsite.close_shift(session, order.id, actor=dispatcher, now=closing + MIN)
    with pytest.raises(Conflict):
        mark(session, order, silent, "arrived", dispatcher, at=order.starts_at, now=closing)
    assert counts(session) == before
    assert offer_of(session, order, silent).attendance == "no_show"


def test_the_sweep_waits_for_the_cutoff_then_marks_the_unmarked_once(
    session, shift, dispatcher, branch
):
    order, (came, *silent) = shift
    cutoff = order.starts_at + timedelta(minutes=branch.late_as_no_show_min)
    mark(session, order, came, "arrived", dispatcher, at=order.starts_at)
    assert order.id not in onsite.orders_due_for_sweep(session, cutoff)  # exactly: not yet
    assert onsite.sweep_no_shows(session, order.id, cutoff) == 0
    assert entries(session, silent[0]) == []
    after = cutoff + timedelta(seconds=1)
    assert order.id in onsite.orders_due_for_sweep(session, after)
    assert onsite.sweep_no_shows(session, order.id, after) == 2
    for worker in silent:
        offer = offer_of(session, order, worker)
        assert (offer.attendance, offer.attendance_by) == ("no_show", None)
        assert [e.kind for e in entries(session, worker)] == ["no_show"]
        assert len(texts(session, worker, "penalty")) == 1
    assert offer_of(session, order, came).attendance == "arrived"
    assert order.id not in onsite.orders_due_for_sweep(session, after)
    before = counts(session)
    assert onsite.sweep_no_shows(session, order.id, after + MIN) == 0
    assert counts(session) == before


def test_no_sweep_for_a_cancelled_order(session, shift, dispatcher, branch):
    order, (worker, *_) = shift
    orders.cancel_order(
        session, order.id, actor=dispatcher, reason="client called off", now=order.starts_at
    )
    after = order.starts_at + timedelta(minutes=branch.late_as_no_show_min + 1)
    assert order.id not in onsite.orders_due_for_sweep(session, after)
    assert onsite.sweep_no_shows(session, order.id, after) == 0
    assert entries(session, worker, "no_show") == []


def test_a_foreman_sees_orders_named_to_them_or_on_their_site_unless_named_to_another(
    session, branch, site
):
    client = make_client(session, branch=branch)
    foreman = make_user(session, role="foreman", branch=branch)
    other = make_user(session, role="foreman", branch=branch)
    theirs = make_site(session, client=client, foreman_id=foreman.id)
    named = make_order(session, site=site, foreman_id=foreman.id)
    by_site = make_order(session, site=theirs)
    named_elsewhere = make_order(session, site=theirs, foreman_id=other.id)
    unassigned = make_order(session, site=site)
    actor = actor_of(foreman)
    assert orders.get_order(session, named.id, actor=actor) is named
    assert orders.get_order(session, by_site.id, actor=actor) is by_site
    for hidden in (named_elsewhere, unassigned):
        with pytest.raises(NotFound):
            orders.get_order(session, hidden.id, actor=actor)
    assert {o.id for o in orders.list_orders(session, actor=actor)} == {named.id, by_site.id}


def test_a_foreman_marks_only_their_orders(session, shift, branch):
    order, (worker, *_) = shift
    stranger = actor_of(make_user(session, role="foreman", branch=branch))
    before = counts(session)
    with pytest.raises(NotFound):
        mark(session, order, worker, "arrived", stranger, at=order.starts_at)
    assert counts(session) == before
    foreman = make_user(session, role="foreman", branch=branch)
    order.foreman_id = foreman.id
    session.flush()
    offer = mark(session, order, worker, "arrived", actor_of(foreman), at=order.starts_at)
    assert offer.attendance_by == foreman.id


def test_an_order_under_way_cannot_be_cancelled_only_closed(session, shift, dispatcher):
    order, workers = shift
    mark(session, order, workers[0], "arrived", dispatcher, at=order.starts_at)
    before = counts(session)
    with pytest.raises(Conflict, match="close the shift"):
        orders.cancel_order(
            session, order.id, actor=dispatcher, reason="client changed plans", now=order.starts_at
        )
    assert counts(session) == before
    assert order.status == "in_progress"
    assert offer_of(session, order, workers[0]).status == "booked"


def test_closing_early_pays_until_the_close(session, shift, dispatcher):
    from dispatch.shift import timesheets

    order, workers = shift
    for worker in workers:
        mark(session, order, worker, "arrived", dispatcher, at=order.starts_at)
    onsite.close_shift(session, order.id, actor=dispatcher, now=order.starts_at + 5 * 60 * MIN)
    sheet = timesheets.timesheet(session, order.id, actor=dispatcher)
    assert {line.hours for line in sheet.lines} == {5}  # not the 8 h scheduled


def test_a_penalty_a_dispatcher_reversed_is_not_brought_back_by_a_later_mark(
    session, shift, dispatcher
):
    from dispatch.penalties import record

    order, (worker, *_) = shift
    late = order.starts_at + 25 * MIN
    mark(session, order, worker, "arrived", dispatcher, at=late)
    (entry,) = entries(session, worker, "late")
    record.reverse_penalty(
        session, entry.id, actor=dispatcher, reason="the bus broke down", now=late + MIN
    )
    # Later the foreman notes the worker left an hour early: that is new, the lateness is not.
    mark(session, order, worker, "left_early", dispatcher, at=order.ends_at - 60 * MIN)
    assert [e.reversed_at is not None for e in entries(session, worker, "late")] == [True]
    assert len(entries(session, worker, "left_early")) == 1
    # A correction's own reversals, though, are by rule: marking late again after on time
    # brings the lateness back.
    other = shift[1][1]
    mark(session, order, other, "arrived", dispatcher, at=late)
    mark(session, order, other, "arrived", dispatcher, at=order.starts_at)
    mark(session, order, other, "arrived", dispatcher, at=late)
    assert [e.reversed_at is None for e in entries(session, other, "late")] == [False, True]


def test_an_early_arrival_keeps_the_order_filling_and_the_worker_on_the_roster(
    session, shift, dispatcher
):
    from dispatch.fill import waves
    from dispatch.fill.errors import OfferClosed

    order, (early, other, _) = shift
    before_start = order.starts_at - 20 * MIN
    mark(session, order, early, "arrived", dispatcher, at=before_start)
    assert order.status == "filled"  # the others may still cancel and be replaced
    with pytest.raises(OfferClosed):  # but not the one already on site
        waves.answer(
            session,
            order_id=order.id,
            worker_id=early.id,
            yes=False,
            source="sms",
            now=before_start,
        )
    waves.answer(
        session, order_id=order.id, worker_id=other.id, yes=False, source="sms", now=before_start
    )
    assert offer_of(session, order, other).status == "cancelled"
    assert offer_of(session, order, early).attendance == "arrived"


def test_the_sweep_leaves_a_checked_in_worker_for_the_foreman_but_the_close_does_not(
    session, shift, dispatcher, branch
):
    order, (checked_in, *others) = shift
    offer_of(session, order, checked_in).checked_in_at = order.starts_at - 5 * MIN
    after = order.starts_at + timedelta(minutes=branch.late_as_no_show_min, seconds=1)
    assert onsite.sweep_no_shows(session, order.id, after) == len(others)
    assert offer_of(session, order, checked_in).attendance is None  # on site, unconfirmed
    assert order.id not in onsite.orders_due_for_sweep(session, after + MIN)
    onsite.close_shift(session, order.id, actor=dispatcher, now=order.ends_at)
    assert offer_of(session, order, checked_in).attendance == "no_show"


def test_a_foreman_keeps_a_started_shift_until_it_is_closed(session, shift, dispatcher, site):
    order, _ = shift
    later = make_order(session, site=site, starts_in=timedelta(days=2))
    gone = make_order(session, site=site, starts_in=timedelta(days=1, hours=2))
    orders.cancel_order(session, gone.id, actor=dispatcher, reason="client", now=order.starts_at)
    two_days_on = order.ends_at + timedelta(days=2)  # long after its end, never closed
    listed = onsite.orders_on_site(session, actor=dispatcher, now=two_days_on)
    assert order in listed and later in listed and gone not in listed
    onsite.close_shift(session, order.id, actor=dispatcher, now=two_days_on)
    assert order.closed_at is not None
    assert onsite.orders_on_site(session, actor=dispatcher, now=order.starts_at + 8 * MIN * 60)
    far = order.starts_at + timedelta(days=9)
    assert order not in onsite.orders_on_site(session, actor=dispatcher, now=far)


def test_confirming_a_check_in_marks_the_arrival_at_its_time(session, shift, dispatcher):
    order, (checked_in, never, _) = shift
    offer_of(session, order, checked_in).checked_in_at = order.starts_at - 3 * MIN
    offer = onsite.confirm_check_in(
        session, order.id, actor=dispatcher, worker_id=checked_in.id, now=order.starts_at
    )
    assert (offer.attendance, offer.arrived_at) == ("arrived", order.starts_at - 3 * MIN)
    before = counts(session)
    with pytest.raises(onsite.NotCheckedIn):
        onsite.confirm_check_in(
            session, order.id, actor=dispatcher, worker_id=never.id, now=order.starts_at
        )
    assert counts(session) == before
