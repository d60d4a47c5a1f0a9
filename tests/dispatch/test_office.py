"""The office's hand on one offer (dispatch/fill/office.py) and where each offered worker stands
(dispatch/orders/roster.py), on the real database."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import ReasonRequired
from dispatch.access.privacy import ShownWorker, Sight, phone_tail
from dispatch.fill import office, waves
from dispatch.fill.errors import OfferActionNotOpen, OfferTextWaiting
from dispatch.models import Offer
from dispatch.orders.errors import OrderClosed, OrderNotFound
from dispatch.orders.roster import standing
from dispatch.registry.staff import actor_of
from rating.models import PenaltyEvent
from sms.models import Message
from tests.builders import (
    KAZAN,
    MOSCOW,
    NOW,
    make_branch,
    make_order,
    make_user,
    make_worker,
    offset,
)

AT = NOW + timedelta(minutes=5)


def crew(session, branch, count):
    return [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=500 + 10 * i))
        for i in range(count)
    ]


def offer_of(session, order, worker) -> Offer:
    return session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()


def texts(session, order, worker, kind):
    query = select(Message).where(
        Message.order_id == order.id, Message.worker_id == worker.id, Message.kind == kind
    )
    return list(session.scalars(query))


def audited(session, action):
    return list(
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def filled(session, branch, site):
    """Headcount 2, target 3: three booked (by phone), one on standby, one never answered."""
    workers = crew(session, branch, 5)
    order = make_order(session, site=site, headcount=2)
    waves.start_filling(session, order.id, NOW)
    for i, worker in enumerate(workers[:4]):
        waves.answer(
            session,
            order_id=order.id,
            worker_id=worker.id,
            yes=True,
            source="sms",
            now=NOW + timedelta(seconds=i),
        )
    assert offer_of(session, order, workers[3]).status == "standby"
    return order, workers


def test_which_actions_each_state_opens(session, filled):
    order, (booked, *_, standby, silent) = filled
    assert office.open_actions(order, offer_of(session, order, booked), AT) == {
        "cancel_booking",
        "phone_no",
    }
    assert office.open_actions(order, offer_of(session, order, standby), AT) == {"phone_no"}
    quiet = offer_of(session, order, silent)
    assert quiet.status == "queued"
    assert office.open_actions(order, quiet, AT) == {"phone_yes", "phone_no"}
    quiet.status = "sent"
    assert office.open_actions(order, quiet, AT) == {"retext", "phone_yes", "phone_no"}
    quiet.status = "declined"
    assert office.open_actions(order, quiet, AT) == {"phone_yes"}
    quiet.status = "cancelled"
    assert office.open_actions(order, quiet, AT) == frozenset()
    asked = offer_of(session, order, booked)
    asked.confirm_asked_at = AT
    assert "phone_yes" in office.open_actions(order, asked, AT)
    # Once the shift has begun, the foreman decides: nothing here.
    assert office.open_actions(order, asked, order.starts_at) == frozenset()


def test_cancelling_a_booking_moves_standby_up_without_a_penalty(
    session, branch, filled, dispatcher
):
    order, (booked, _, _, standby, _) = filled
    late = order.starts_at - timedelta(hours=2)  # inside the late-cancellation window
    with pytest.raises(ReasonRequired):
        office.cancel_booking(
            session, order_id=order.id, worker_id=booked.id, actor=dispatcher, reason=" ", now=late
        )
    office.cancel_booking(
        session,
        order_id=order.id,
        worker_id=booked.id,
        actor=dispatcher,
        reason="the client asked",
        now=late,
    )
    dropped = offer_of(session, order, booked)
    assert dropped.status == "cancelled" and not dropped.cancelled_late
    assert offer_of(session, order, standby).status == "booked"  # the existing rule
    assert texts(session, order, standby, "booked")[-1].status == "queued"
    told = texts(session, order, booked, "booking_withdrawn")
    assert len(told) == 1 and order.code in told[0].body
    assert (
        session.scalar(select(PenaltyEvent.id).where(PenaltyEvent.worker_id == booked.id)) is None
    )
    (entry,) = audited(session, "offer.cancel_booking")
    assert entry.entity_ids == [dropped.id] and entry.detail["reason"] == "the client asked"
    assert entry.actor_user_id == dispatcher.user_id and entry.branch_id == order.branch_id
    # Twice is refused: the booking is no more.
    with pytest.raises(OfferActionNotOpen):
        office.cancel_booking(
            session, order_id=order.id, worker_id=booked.id, actor=dispatcher, reason="x", now=late
        )


def test_retexting_queues_the_offer_again_once_the_last_one_went_out(session, filled, dispatcher):
    order, workers = filled
    silent = workers[4]
    offer_of(session, order, silent).status = "sent"
    (first,) = texts(session, order, silent, "offer")
    assert first.status == "queued"
    with pytest.raises(OfferTextWaiting):  # the first has not gone yet
        office.retext_offer(
            session, order_id=order.id, worker_id=silent.id, actor=dispatcher, now=AT
        )
    first.status = "delivered"
    session.flush()
    office.retext_offer(session, order_id=order.id, worker_id=silent.id, actor=dispatcher, now=AT)
    again = texts(session, order, silent, "offer")
    assert len(again) == 2 and again[1].status == "queued" and again[1].body == first.body
    assert again[1].offer_id == offer_of(session, order, silent).id
    assert len(audited(session, "offer.retext")) == 1
    with pytest.raises(OfferActionNotOpen):  # a booked worker's offer is answered
        office.retext_offer(
            session, order_id=order.id, worker_id=workers[0].id, actor=dispatcher, now=AT
        )


def test_a_phone_answer_lands_where_an_sms_answer_does(session, filled, dispatcher):
    order, (booked, _, _, standby, silent) = filled
    offer = office.record_phone_answer(
        session, order_id=order.id, worker_id=silent.id, yes=True, actor=dispatcher, now=AT
    )
    assert offer.status == "standby" and offer.answer_source == "phone"  # the order is full
    # A booked worker's NO by phone is their own drop-out: standby moves up.
    office.record_phone_answer(
        session, order_id=order.id, worker_id=booked.id, yes=False, actor=dispatcher, now=AT
    )
    assert offer_of(session, order, booked).status == "cancelled"
    assert offer_of(session, order, standby).status == "booked"
    entries = audited(session, "offer.phone_answer")
    assert [e.detail["answer"] for e in entries] == ["yes", "no"]
    with pytest.raises(OfferActionNotOpen):  # a NO on a cancelled booking
        office.record_phone_answer(
            session, order_id=order.id, worker_id=booked.id, yes=False, actor=dispatcher, now=AT
        )


def test_under_way_or_another_branch_is_refused(session, filled, dispatcher):
    order, (booked, *_) = filled
    with pytest.raises(OrderClosed):
        office.record_phone_answer(
            session,
            order_id=order.id,
            worker_id=booked.id,
            yes=False,
            actor=dispatcher,
            now=order.starts_at + timedelta(minutes=1),
        )
    theirs = actor_of(
        make_user(session, role="dispatcher", branch=make_branch(session, center=KAZAN))
    )
    with pytest.raises(OrderNotFound):
        office.cancel_booking(
            session, order_id=order.id, worker_id=booked.id, actor=theirs, reason="x", now=AT
        )
    assert offer_of(session, order, booked).status == "booked"


@pytest.mark.parametrize(
    "mark, minutes, checked_in, word",
    [
        (None, None, False, "booked"),
        (None, None, True, "checked_in"),
        ("arrived", -5, False, "arrived"),  # before the start
        ("arrived", 5, False, "arrived"),  # within the 10 min grace
        ("arrived", 25, False, "late"),
        ("left_early", 0, False, "left_early"),
        ("no_show", None, False, "no_show"),
        ("released", 0, False, "released_on_site"),
    ],
)
def test_a_booked_workers_standing_follows_the_marks(
    session, branch, filled, mark, minutes, checked_in, word
):
    order, (worker, *_) = filled
    offer = offer_of(session, order, worker)
    offer.attendance = mark
    if minutes is not None:
        offer.arrived_at = order.starts_at + timedelta(minutes=minutes)
    if checked_in:
        offer.checked_in_at = order.starts_at
    shown = standing(order, branch, offer)
    assert shown.word == word
    assert shown.minutes_late == (minutes if word == "late" else 0)


@pytest.mark.parametrize("pending", ["no_show", "left_early"])
def test_a_mark_inside_its_undo_window_reads_as_not_yet_in_force(session, branch, filled, pending):
    order, (worker, *_) = filled
    offer = offer_of(session, order, worker)
    offer.pending_mark = pending
    assert standing(order, branch, offer).word == f"{pending}_pending"


def test_the_phone_tail_follows_the_privacy_rule():
    assert phone_tail(ShownWorker(1, Sight.FULL, "A", "+79161234567")) == "…4567"
    assert phone_tail(ShownWorker(1, Sight.PAYING, "A", "+*********67")) == "…67"
    assert phone_tail(ShownWorker(1, Sight.NONE, None, None)) is None
