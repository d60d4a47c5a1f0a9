"""Blocking a worker (dispatch/changes/blocked.py) lets them go from every order not yet
begun: booked and standby places released and texted, an unanswered offer closed, the freed
place filled again (standby first, else a wave), no penalty and no show-up pay; a booking on
an order under way is left and listed; all of it audited."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import ReasonRequired
from dispatch.changes import blocked
from dispatch.fill import waves
from dispatch.models import Offer
from dispatch.registry.staff import actor_of
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch,
    make_offer,
    make_order,
    make_user,
    make_worker,
    offset,
)
from workers.errors import AlreadyBlocked, WorkerNotFound

MIN = timedelta(minutes=1)
AT = NOW + 10 * MIN


@pytest.fixture
def crowd(session, branch):
    return [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=30 * i)) for i in range(30)
    ]


def offered(session, order):
    """The order's offers: worker id -> status."""
    rows = session.execute(select(Offer.worker_id, Offer.status).where(Offer.order_id == order.id))
    return dict(rows.all())


def texts_to(session, worker, kind):
    query = select(Message).where(Message.worker_id == worker.id, Message.kind == kind)
    return list(session.scalars(query))


def filled_with_standby(session, site, crowd):
    """A 2-worker order (target 3) starting tomorrow: three booked and one on standby."""
    order = make_order(session, site=site, headcount=2)
    waves.start_filling(session, order.id, NOW)
    first = [w for w in crowd if w.id in offered(session, order)]
    for i, worker in enumerate(first[:4]):
        waves.answer(
            session,
            order_id=order.id,
            worker_id=worker.id,
            yes=True,
            source="sms",
            now=NOW + i * MIN,
        )
    assert sorted(offered(session, order).values()).count("booked") == 3
    assert order.status == "filled"
    return order, first


def test_a_block_releases_every_order_not_begun_and_leaves_the_one_under_way(
    session, site, dispatcher, crowd
):
    booked, first = filled_with_standby(session, site, crowd)
    worker, standby_up = first[1], first[3]  # booked; on standby, moves up
    on_standby = make_order(session, site=site, headcount=1, starts_in=timedelta(days=2))
    make_offer(session, order=on_standby, worker=worker, status="standby")
    asked = make_order(session, site=site, headcount=1, starts_in=timedelta(days=3))
    make_offer(session, order=asked, worker=worker, status="sent")
    # Begun two hours ago (placed the day before): the booking stays, listed.
    running = make_order(
        session, site=site, headcount=1, now=NOW - timedelta(days=1), starts_in=timedelta(hours=22)
    )
    make_offer(session, order=running, worker=worker, status="booked", booked_at=NOW - 30 * MIN)

    done = blocked.block_worker(
        session, worker.id, actor=dispatcher, reason="fought on site", now=AT
    )

    assert worker.status == "blocked"
    assert {(r.order_id, r.was) for r in done.released} == {
        (booked.id, "booked"),
        (on_standby.id, "standby"),
        (asked.id, "sent"),
    }
    assert [(u.order_id, u.code) for u in done.under_way] == [(running.id, running.code)]
    assert offered(session, booked)[worker.id] == "cancelled"
    assert offered(session, on_standby)[worker.id] == "cancelled"
    assert offered(session, asked)[worker.id] == "cancelled"
    assert offered(session, running)[worker.id] == "booked"
    # Told as a cut tells them; the unanswered offer closes silently.
    assert [m.order_id for m in texts_to(session, worker, "booking_withdrawn")] == [booked.id]
    assert [m.order_id for m in texts_to(session, worker, "standby_released")] == [on_standby.id]
    # The freed place: standby moved up, the order full again.
    assert offered(session, booked)[standby_up.id] == "booked"
    assert [m.order_id for m in texts_to(session, standby_up, "booked")] == [booked.id]
    assert booked.status == "filled"
    # No penalty, no show-up pay (the shift is a day off: no late window either way).
    assert (
        session.scalars(select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)).all() == []
    )
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.block").order_by(AuditEntry.id)
    ).one()
    assert entry.entity_ids == [worker.id] and entry.detail["reason"] == "fought on site"
    assert {(r["order_id"], r["code"], r["was"]) for r in entry.detail["released"]} == {
        (booked.id, booked.code, "booked"),
        (on_standby.id, on_standby.code, "standby"),
        (asked.id, asked.code, "sent"),
    }
    assert entry.detail["under_way"] == [{"order_id": running.id, "code": running.code}]
    per_order = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "order.worker_blocked")
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.entity_ids, e.detail["worker_id"]) for e in per_order] == [
        ([booked.id], worker.id),
        ([on_standby.id], worker.id),
        ([asked.id], worker.id),
    ]


def test_inside_the_late_window_still_no_show_up_pay_and_a_wave_refills(
    session, branch, site, dispatcher, crowd
):
    """Nobody on standby: the place goes to a wave. Two hours before the start (inside the
    late-cancellation window) the blocked worker is paid nothing and fined nothing."""
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=4))
    waves.start_filling(session, order.id, NOW)
    first = [w for w in crowd if w.id in offered(session, order)]
    for i, worker in enumerate(first[: order.booking_target]):
        waves.answer(
            session,
            order_id=order.id,
            worker_id=worker.id,
            yes=True,
            source="sms",
            now=NOW + i * MIN,
        )
    assert order.status == "filled"
    worker = first[0]
    at = order.starts_at - timedelta(hours=2)
    assert branch.late_cancel_h > 2  # the place is taken back inside the window

    done = blocked.block_worker(session, worker.id, actor=dispatcher, reason="fake papers", now=at)

    assert [(r.order_id, r.was) for r in done.released] == [(order.id, "booked")]
    assert (
        session.scalars(select(PenaltyEvent).where(PenaltyEvent.worker_id == worker.id)).all() == []
    )
    assert texts_to(session, worker, "compensation") == []
    assert order.status == "filling"
    before = set(offered(session, order))
    assert waves.wave_due(session, order.id, order.wave, order.next_wave_at) > 0
    assert set(offered(session, order)) - before, "the refill's wave went out"
    assert worker.id not in set(offered(session, order)) - before


def test_a_refused_block_releases_nothing(session, site, dispatcher, crowd):
    order, first = filled_with_standby(session, site, crowd)
    worker = first[0]
    with pytest.raises(ReasonRequired):
        blocked.block_worker(session, worker.id, actor=dispatcher, reason="  ", now=AT)
    assert offered(session, order)[worker.id] == "booked" and worker.status == "active"
    blocked.block_worker(session, worker.id, actor=dispatcher, reason="no-show twice", now=AT)
    with pytest.raises(AlreadyBlocked):
        blocked.block_worker(session, worker.id, actor=dispatcher, reason="again", now=AT)
    other = actor_of(make_user(session, role="dispatcher", branch=make_branch(session)))
    with pytest.raises(WorkerNotFound):
        blocked.block_worker(session, first[2].id, actor=other, reason="not mine", now=AT)
    assert offered(session, order)[first[2].id] == "booked"
