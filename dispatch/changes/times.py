"""A placed order's shift moved: every booked worker is texted the new times and must
confirm again.

The booked have their confirmation reset and are asked at once (`confirm_asked_at` now,
`confirmed_at` empty, the reminder due again): a YES confirms through the same `answer` as
any confirmation, and whoever has not confirmed by `confirm_by_h` before the new start is
released and replaced by the existing sweep (`release_unconfirmed` in
dispatch/fill/confirmations.py). A move made when that deadline has already passed only
tells them (`order_moved_notice`): asking would release everyone at the sweep's next run,
with no time left to replace them. A booked worker who answers NO to a moved shift is
released like any drop-out, but without a late-cancellation penalty (`shift_moved_at`: the
office changed the terms, not the worker). Standby workers are told the new times; unanswered
offers are not re-sent (the booking text, should they say YES, carries the new times).

The order row must be locked by the caller (dispatch/changes/patch.py); the offers are
locked here, after it. The times were checked by the rules of a new order (`check_shift`).
"""

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import locked
from dispatch.enums import SAID_YES, OfferStatus
from dispatch.models import Offer, Order
from dispatch.texts import messaging


def confirm_deadline(order: Order) -> datetime:
    """When the booked must have confirmed (the order comes with its branch loaded)."""
    return order.starts_at - timedelta(hours=order.branch.confirm_by_h)


def move_shift(
    session: Session, order: Order, starts_at: datetime, ends_at: datetime, now: datetime
) -> list[int]:
    """Set the new times and ask the booked to confirm again; the worker ids asked."""
    order.starts_at, order.ends_at = starts_at, ends_at
    deadline = confirm_deadline(order)
    offers = session.scalars(
        locked(
            select(Offer)
            .where(Offer.order_id == order.id, Offer.status.in_(SAID_YES))
            .order_by(Offer.id)
        )
    )
    asked: list[int] = []
    for offer in offers:
        if offer.status == OfferStatus.BOOKED:
            offer.reminded_at = None  # the reminder goes out again, for the new start
            offer.shift_moved_at = now  # who cannot come now may say NO without a penalty
        if offer.status == OfferStatus.STANDBY or deadline <= now:
            messaging.notify(session, order, offer, "order_moved_notice")
            continue
        offer.confirmed_at, offer.confirm_asked_at = None, now
        messaging.notify(session, order, offer, "order_moved", deadline=deadline)
        asked.append(offer.worker_id)
    session.flush()
    return asked
