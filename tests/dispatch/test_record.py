"""A worker's record: strikes and their suspension, reversal by a dispatcher, late
cancellations by the worker and by the client."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import Conflict, InvalidInput, NotFound
from dispatch.fill import waves
from dispatch.models import Offer
from dispatch.orders import service as orders
from dispatch.penalties import record
from dispatch.registry.staff import actor_of
from dispatch.shift import onsite
from rating import policy
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    book,
    make_branch,
    make_order,
    make_user,
    make_worker,
    offset,
)

MIN = timedelta(minutes=1)


def entries(session, worker, kind=None):
    query = select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)
    if kind:
        query = query.where(PenaltyEvent.kind == kind)
    return list(session.scalars(query.order_by(PenaltyEvent.id)))


def texts(session, worker, kind):
    return list(
        session.scalars(select(Message).where(Message.worker_id == worker.id, Message.kind == kind))
    )


def counts(session):
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (PenaltyEvent, AuditEntry, Message)
    )


@pytest.fixture
def three_lates(session, branch, site, dispatcher):
    """One worker 25 min late on three orders on three days (strikes_to_suspend 3)."""
    assert branch.strikes_to_suspend == 3 and branch.strike_window_days == 30
    worker = make_worker(session, branch=branch)
    shifts = [
        make_order(session, site=site, headcount=1, starts_in=timedelta(days=d)) for d in (1, 2, 3)
    ]
    for order in shifts:
        book(session, order, [worker])
    lates = []
    for order in shifts:
        at = order.starts_at + 25 * MIN
        onsite.mark_attendance(
            session,
            order.id,
            actor=dispatcher,
            worker_id=worker.id,
            status="arrived",
            at=at,
            now=at + 5 * MIN,
        )
        lates.append(entries(session, worker, "late")[-1])
        session.refresh(worker)
        if order is not shifts[-1]:
            assert worker.suspended_until is None
    return worker, shifts, lates


def test_three_strikes_suspend_and_reversing_one_lifts_it(session, branch, dispatcher, three_lates):
    worker, shifts, lates = three_lates
    assert worker.strikes == 3
    assert worker.suspended_until == shifts[-1].starts_at + timedelta(
        days=branch.strike_suspend_days
    )
    assert len(texts(session, worker, "suspended")) == 1
    suspended = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "worker.suspend", AuditEntry.entity_ids.contains([worker.id]))
        .order_by(AuditEntry.id)
    ).one()
    assert suspended.detail["why"] == "strikes"
    now = shifts[-1].starts_at + timedelta(hours=1)
    reversal = record.reverse_penalty(
        session, lates[1].id, actor=dispatcher, reason="the bus broke down", now=now
    )
    assert (reversal.kind, reversal.reverses_id, reversal.reason) == (
        "reversal",
        lates[1].id,
        "the bus broke down",
    )
    assert (reversal.automatic, reversal.created_by) == (False, dispatcher.user_id)
    session.refresh(lates[1])
    assert lates[1].reversed_at == now
    session.refresh(worker)
    assert (worker.strikes, worker.suspended_until) == (2, None)
    on_time = policy.figures([True, True, True], [False, True, False], [])
    assert (worker.rating, worker.reliability) == (on_time.rating, on_time.reliability)
    audit = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.action == "penalty.reverse", AuditEntry.entity_ids.contains([lates[1].id])
        )
        .order_by(AuditEntry.id)
    ).one()
    assert audit.actor_user_id == dispatcher.user_id
    assert audit.detail["reason"] == "the bus broke down"
    assert len(texts(session, worker, "penalty_reversed")) == 1


def test_reversing_twice_or_without_a_reason_writes_nothing(session, dispatcher, three_lates):
    worker, shifts, lates = three_lates
    now = shifts[-1].starts_at + timedelta(hours=1)
    with pytest.raises(InvalidInput) as no_reason:
        record.reverse_penalty(session, lates[0].id, actor=dispatcher, reason="  ", now=now)
    assert no_reason.value.loc == ("body", "reason")
    reversal = record.reverse_penalty(
        session, lates[0].id, actor=dispatcher, reason="wrong worker", now=now
    )
    session.refresh(worker)
    standing = (worker.rating, worker.reliability, worker.strikes, worker.suspended_until)
    before = counts(session)
    with pytest.raises(Conflict):
        record.reverse_penalty(session, lates[0].id, actor=dispatcher, reason="again", now=now)
    with pytest.raises(Conflict):  # a reversal is not itself reversible
        record.reverse_penalty(session, reversal.id, actor=dispatcher, reason="undo", now=now)
    assert counts(session) == before
    session.refresh(worker)
    assert (worker.rating, worker.reliability, worker.strikes, worker.suspended_until) == standing


def test_another_branch_cannot_reverse(session, three_lates):
    worker, shifts, lates = three_lates
    elsewhere = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    before = counts(session)
    with pytest.raises(NotFound):
        record.reverse_penalty(
            session, lates[0].id, actor=elsewhere, reason="not mine", now=shifts[-1].starts_at
        )
    with pytest.raises(NotFound):
        record.reverse_penalty(
            session, 10**9, actor=elsewhere, reason="nothing", now=shifts[-1].starts_at
        )
    assert counts(session) == before
    session.refresh(lates[0])
    assert lates[0].reversed_at is None
    with pytest.raises(NotFound):
        record.worker_penalties(session, worker.id, actor=elsewhere)


@pytest.fixture
def booked(session, branch, site):
    """An order starting in 24 h with two booked workers and one on standby."""
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = make_order(session, site=site, headcount=1)  # target 2
    book(session, order, workers[:2])
    standby = waves.answer(
        session, order_id=order.id, worker_id=workers[2].id, yes=True, source="sms", now=NOW
    )
    assert standby.status == "standby"
    return order, workers


def test_a_booked_worker_cancelling_inside_the_window_is_penalised(session, branch, booked):
    order, (worker, *_) = booked
    now = order.starts_at - timedelta(hours=branch.late_cancel_h)  # the window's first instant
    offer = waves.answer(
        session, order_id=order.id, worker_id=worker.id, yes=False, source="sms", now=now
    )
    assert (offer.status, offer.cancelled_late) == ("cancelled", True)
    (late,) = entries(session, worker)
    assert (late.kind, late.points, late.fine) == (
        "late_cancellation",
        policy.LATE_CANCELLATION_POINTS,
        0,
    )
    session.refresh(worker)
    dropped = policy.figures([False], [], [])
    assert (worker.rating, worker.reliability) == (dropped.rating, dropped.reliability)
    assert worker.reliability < policy.figures([], [], []).reliability
    assert worker.strikes == 1
    assert len(texts(session, worker, "penalty")) == 1


def test_cancelling_before_the_window_is_free(session, branch, booked):
    order, (worker, *_) = booked
    now = order.starts_at - timedelta(hours=branch.late_cancel_h) - MIN
    offer = waves.answer(
        session, order_id=order.id, worker_id=worker.id, yes=False, source="sms", now=now
    )
    assert (offer.status, offer.cancelled_late) == ("cancelled", False)
    assert entries(session, worker) == []
    session.refresh(worker)
    fresh = policy.figures([], [], [])
    assert (worker.rating, worker.reliability, worker.strikes) == (
        fresh.rating,
        fresh.reliability,
        0,
    )
    assert texts(session, worker, "penalty") == []


def test_the_client_cancelling_late_pays_the_booked_show_up_pay(
    session, branch, dispatcher, booked
):
    order, (first, second, standby) = booked
    now = order.starts_at - timedelta(hours=2)
    orders.cancel_order(session, order.id, actor=dispatcher, reason="no work today", now=now)
    for worker in (first, second):
        (paid,) = entries(session, worker)
        assert (paid.kind, paid.payout, paid.fine, paid.points) == (
            "compensation",
            branch.show_up_pay,
            0,
            0,
        )
        assert paid.currency == branch.currency and paid.order_id == order.id
        (sms,) = texts(session, worker, "compensation")
        assert f"{branch.show_up_pay:f}" in sms.body
        session.refresh(worker)
        assert worker.strikes == 0
    assert entries(session, standby) == []  # never booked: kept no day free
    assert texts(session, standby, "compensation") == []


def test_the_client_cancelling_early_pays_nothing(session, branch, dispatcher, booked):
    order, workers = booked
    now = order.starts_at - timedelta(hours=branch.late_cancel_h) - MIN
    orders.cancel_order(session, order.id, actor=dispatcher, reason="plans changed", now=now)
    assert order.status == "cancelled"
    for worker in workers:
        assert entries(session, worker) == []
        assert texts(session, worker, "compensation") == []
    offers = session.scalars(select(Offer).where(Offer.order_id == order.id)).all()
    assert {o.status for o in offers if o.worker_id in {w.id for w in workers}} == {"cancelled"}
