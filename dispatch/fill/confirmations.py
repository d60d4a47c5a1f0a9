"""Before the shift: ask booked workers to confirm, release the silent, remind the rest.

Each step is a periodic job over bookings whose time has come. The bookings are found
without locking, then each order is locked before its offers (core.db.locked: the lock
order of every writer) and the condition is checked again under the lock; the offers are
stamped (asked, confirmed, reminded) in the same transaction as the text they queue, so a
second run, or two at once, never texts anyone twice. An order another transaction holds is
left to the next run.
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, immediateload

from core.db import SelectT, locked
from dispatch.enums import FILLABLE, OfferStatus
from dispatch.fill import waves
from dispatch.models import Branch, Offer, Order
from dispatch.registry.knobs import KNOBS
from dispatch.texts import messaging

BATCH = 500


def _within(knob: str, now: datetime) -> ColumnElement[bool]:
    """Orders starting within the knob's largest setting: an index range on the start, so a
    run reads the next hours' orders, not every live order of the network (2.8 s a run on
    the full-size history bench before)."""
    return Order.starts_at <= now + timedelta(hours=KNOBS[knob].le)


def _due(
    session: Session, now: datetime, *conditions: ColumnElement[bool]
) -> Iterator[tuple[Order, Branch, list[Offer]]]:
    """Each order with bookings whose step is due, locked, with those bookings, locked."""

    def booked_due(query: SelectT) -> SelectT:
        return (
            query.join(Order, Order.id == Offer.order_id)
            .join(Branch, Branch.id == Order.branch_id)
            .where(
                Offer.status == OfferStatus.BOOKED,
                Order.status.in_(FILLABLE),
                Order.starts_at > now,
                *conditions,
            )
        )

    # Found without a lock: locking offers here, before their order, deadlocked with answers.
    found = session.execute(
        booked_due(select(Offer.order_id, Order.starts_at))
        .order_by(Order.starts_at, Offer.order_id)
        .limit(BATCH)
    ).all()
    for order_id in dict.fromkeys(order_id for order_id, _ in found):
        order = session.scalars(
            locked(
                select(Order).where(Order.id == order_id).options(immediateload(Order.branch)),
                skip_locked=True,
            )
        ).first()
        if order is None:
            continue  # another transaction has it: the next run looks again
        offers = list(
            session.scalars(  # the condition again, under the order's lock
                locked(
                    booked_due(select(Offer)).where(Offer.order_id == order.id), of=Offer
                ).order_by(Offer.id)
            )
        )
        if offers:
            yield order, order.branch, offers


def ask_confirmations(session: Session, now: datetime) -> int:
    """`confirm_ask_h` before start, ask; a booking made inside the window is confirmed."""
    asked = 0
    for order, branch, offers in _due(
        session,
        now,
        Offer.confirm_asked_at.is_(None),
        Offer.confirmed_at.is_(None),
        Order.starts_at - Branch.confirm_ask_h * timedelta(hours=1) <= now,
        _within("confirm_ask_h", now),
    ):
        window_opened = order.starts_at - timedelta(hours=branch.confirm_ask_h)
        deadline = order.starts_at - timedelta(hours=branch.confirm_by_h)
        for offer in offers:
            if offer.booked_at is not None and offer.booked_at >= window_opened:
                offer.confirmed_at = offer.booked_at  # just said YES: that is the confirmation
                continue
            offer.confirm_asked_at = now
            messaging.notify(session, order, offer, "confirm_request", deadline=deadline)
            asked += 1
    return asked


def release_unconfirmed(session: Session, now: datetime) -> int:
    """`confirm_by_h` before start, bookings still unconfirmed are released and replaced."""
    released = 0
    for order, _, offers in _due(
        session,
        now,
        Offer.confirm_asked_at.is_not(None),
        Offer.confirmed_at.is_(None),
        Order.starts_at - Branch.confirm_by_h * timedelta(hours=1) <= now,
        _within("confirm_by_h", now),
    ):
        for offer in offers:  # the order is locked already: release_booking takes it again
            if waves.release_booking(
                session, order_id=order.id, worker_id=offer.worker_id, now=now
            ):
                released += 1
    return released


def send_reminders(session: Session, now: datetime) -> int:
    """`remind_h` before start, a short reminder to every booked worker (0 turns it off)."""
    reminded = 0
    for order, _, offers in _due(
        session,
        now,
        Offer.reminded_at.is_(None),
        Branch.remind_h > 0,
        Order.starts_at - Branch.remind_h * timedelta(hours=1) <= now,
        _within("remind_h", now),
    ):
        for offer in offers:
            offer.reminded_at = now
            messaging.notify(session, order, offer, "reminder")
            reminded += 1
    return reminded
