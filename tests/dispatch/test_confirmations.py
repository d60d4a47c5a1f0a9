"""Before the shift: confirmation requests, release of the silent, reminders; each once."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from dispatch.fill import confirmations, waves
from dispatch.models import Offer
from dispatch.replies import inbox, intake
from sms.models import Message
from tests.builders import (
    MOSCOW,
    NOW,
    make_branch_site,
    make_order,
    make_worker,
    offset,
)


@pytest.fixture
def booked(session):
    """An order starting in 24 h with 2 booked (target 2) and one on standby."""
    branch, site = make_branch_site(session)
    workers = [
        make_worker(session, branch=branch, near=offset(MOSCOW, east_m=10 * i)) for i in range(3)
    ]
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=24))
    waves.start_filling(session, order.id, NOW)
    for i, worker in enumerate(workers):
        waves.answer(
            session,
            order_id=order.id,
            worker_id=worker.id,
            yes=True,
            source="sms",
            now=NOW + timedelta(minutes=i),
        )
    return order, workers


def texts(session, order, kind):
    return list(
        session.scalars(select(Message).where(Message.order_id == order.id, Message.kind == kind))
    )


def offer_of(session, order, worker):
    return session.scalars(
        select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker.id)
    ).one()


def test_asked_once_when_the_window_opens(session, booked):
    order, _ = booked
    assert confirmations.ask_confirmations(session, NOW + timedelta(hours=11)) == 0  # too early
    at = order.starts_at - timedelta(hours=12)
    assert confirmations.ask_confirmations(session, at) == 2
    assert confirmations.ask_confirmations(session, at + timedelta(minutes=1)) == 0
    asks = texts(session, order, "confirm_request")
    assert len(asks) == 2 and all(f"ДА {order.code}" in m.body for m in asks)
    assert "до 27.11 " in asks[0].body  # the deadline in Moscow time: start - 3 h


def test_a_booking_inside_the_window_counts_as_confirmed(session):
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site, headcount=1, starts_in=timedelta(hours=5))
    waves.start_filling(session, order.id, NOW)
    waves.answer(session, order_id=order.id, worker_id=worker.id, yes=True, source="sms", now=NOW)
    assert confirmations.ask_confirmations(session, NOW + timedelta(minutes=1)) == 0
    assert offer_of(session, order, worker).confirmed_at == NOW
    assert texts(session, order, "confirm_request") == []


def test_a_yes_confirms_and_the_silent_are_released_and_replaced(session, booked):
    order, workers = booked
    asked_at = order.starts_at - timedelta(hours=12)
    confirmations.ask_confirmations(session, asked_at)
    reply_id = intake.receive(
        session, provider_sid="SMconfirm", from_phone=workers[0].phone, body="да"
    )
    assert inbox.handle_inbound(session, reply_id, asked_at) == "booked -> booked"
    assert offer_of(session, order, workers[0]).confirmed_at == asked_at
    assert texts(session, order, "confirmed")[0].worker_id == workers[0].id
    deadline = order.starts_at - timedelta(hours=3)
    assert confirmations.release_unconfirmed(session, deadline - timedelta(minutes=1)) == 0
    assert confirmations.release_unconfirmed(session, deadline) == 1
    assert confirmations.release_unconfirmed(session, deadline) == 0
    assert offer_of(session, order, workers[1]).status == "released"
    assert offer_of(session, order, workers[2]).status == "booked"  # standby moved up
    assert texts(session, order, "booking_released")[0].worker_id == workers[1].id


def test_reminders_go_once_to_the_booked(session, booked):
    order, _ = booked
    at = order.starts_at - timedelta(hours=2)
    assert confirmations.send_reminders(session, at - timedelta(minutes=1)) == 0
    assert confirmations.send_reminders(session, at) == 2
    assert confirmations.send_reminders(session, at) == 0
    assert len(texts(session, order, "reminder")) == 2
