"""Before the shift: ask booked workers to confirm, release the silent, remind the rest.

Each step is a periodic job over bookings whose time has come. Rows are taken with
FOR UPDATE SKIP LOCKED and stamped (asked, confirmed, reminded) in the same transaction as
the text they queue, so a second run, or two at once, never texts anyone twice.
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import fill, messaging
from dispatch.models import Branch, Offer, Order

LIVE = ("filling", "filled", "short")
BATCH = 500


def _due(session: Session, now: datetime, *conditions) -> list[tuple[Offer, Order, Branch]]:
    rows = session.execute(
        select(Offer, Order, Branch)
        .join(Order, Order.id == Offer.order_id)
        .join(Branch, Branch.id == Order.branch_id)
        .where(Offer.status == "booked", Order.status.in_(LIVE), Order.starts_at > now, *conditions)
        .order_by(Order.starts_at)
        .limit(BATCH)
        .with_for_update(of=Offer, skip_locked=True)
    ).all()
    return [(offer, order, branch) for offer, order, branch in rows]


def ask_confirmations(session: Session, now: datetime) -> int:
    """`confirm_ask_h` before start, ask; a booking made inside the window is confirmed."""
    asked = 0
    for offer, order, branch in _due(
        session,
        now,
        Offer.confirm_asked_at.is_(None),
        Offer.confirmed_at.is_(None),
        Order.starts_at - Branch.confirm_ask_h * timedelta(hours=1) <= now,
    ):
        window_opened = order.starts_at - timedelta(hours=branch.confirm_ask_h)
        if offer.booked_at is not None and offer.booked_at >= window_opened:
            offer.confirmed_at = offer.booked_at  # just said YES: that is the confirmation
            continue
        offer.confirm_asked_at = now
        deadline = order.starts_at - timedelta(hours=branch.confirm_by_h)
        messaging.notify(session, order, offer, "confirm_request", deadline=deadline)
        asked += 1
    return asked


def release_unconfirmed(session: Session, now: datetime) -> int:
    """`confirm_by_h` before start, bookings still unconfirmed are released and replaced."""
    due = [
        (offer.order_id, offer.worker_id)
        for offer, _, _ in _due(
            session,
            now,
            Offer.confirm_asked_at.is_not(None),
            Offer.confirmed_at.is_(None),
            Order.starts_at - Branch.confirm_by_h * timedelta(hours=1) <= now,
        )
    ]
    released = 0
    for order_id, worker_id in due:  # order row first, as every booking change does
        if fill.release_booking(session, order_id=order_id, worker_id=worker_id, now=now):
            released += 1
    return released


def send_reminders(session: Session, now: datetime) -> int:
    """`remind_h` before start, a short reminder to every booked worker (0 turns it off)."""
    reminded = 0
    for offer, order, _ in _due(
        session,
        now,
        Offer.reminded_at.is_(None),
        Branch.remind_h > 0,
        Order.starts_at - Branch.remind_h * timedelta(hours=1) <= now,
    ):
        offer.reminded_at = now
        messaging.notify(session, order, offer, "reminder")
        reminded += 1
    return reminded
