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
office changed the terms, not the worker) until they confirm the new times: the YES clears
it (dispatch/fill/waves.py `_accept`), and a NO after it is late as any other. Standby
workers are told the new times; unanswered offers are not re-sent (the booking text, should
they say YES, carries the new times).

Who can no longer work the moved shift (booked elsewhere at the new time, a patent ending
before the new day: `eligibility.after_move`) is let go first, as a cut lets go (texts: the
office cancelled the booking, off standby; no penalty, no show-up pay: it is as if they had
said NO to the new times), and the places freed are filled the usual way, standby first,
then a wave (`replace_dropout`), at the new times.

The order row must be locked by the caller (dispatch/changes/patch.py); the offers are
locked here, after it, then the workers' rows (by id). The times were checked by the rules
of a new order (`check_shift`).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import locked
from dispatch.enums import SAID_YES, OfferStatus
from dispatch.fill import eligibility, waves
from dispatch.models import Offer, Order
from dispatch.texts import messaging
from workers.models import Worker


@dataclass
class Moved:
    """What a move did, for the audit log and the caller."""

    asked: list[int] = field(default_factory=list)  # worker ids asked to confirm again
    # Let go, as {"worker_id", "was" (booked or standby), "why" (the rules' codes)}.
    released: list[dict[str, object]] = field(default_factory=list)


def confirm_deadline(order: Order) -> datetime:
    """When the booked must have confirmed (the order comes with its branch loaded)."""
    return order.starts_at - timedelta(hours=order.branch.confirm_by_h)


def _release_unable(
    session: Session, order: Order, offers: list[Offer], shift: dict[str, datetime], now: datetime
) -> list[dict[str, object]]:
    """Let go whoever may not work the shift at its new times (their texts name the times
    they were booked for: the order is not moved yet). The workers are locked here, by id."""
    ids = sorted({offer.worker_id for offer in offers})
    session.scalars(locked(select(Worker.id).where(Worker.id.in_(ids)).order_by(Worker.id))).all()
    released: list[dict[str, object]] = []
    for offer in offers:
        verdict = eligibility.after_move(session, order, offer.worker_id, now, **shift)
        if verdict is None or verdict.eligible:
            continue
        was = str(offer.status)
        offer.status = OfferStatus.CANCELLED
        text = "booking_withdrawn" if was == OfferStatus.BOOKED else "standby_released"
        messaging.notify(session, order, offer, text)
        released.append({"worker_id": offer.worker_id, "was": was, "why": verdict.failed})
    return released


def move_shift(
    session: Session, order: Order, starts_at: datetime, ends_at: datetime, now: datetime
) -> Moved:
    """Let go who cannot come at the new times, set them, ask the booked to confirm again."""
    offers = list(
        session.scalars(
            locked(
                select(Offer)
                .where(Offer.order_id == order.id, Offer.status.in_(SAID_YES))
                .order_by(Offer.id)
            )
        )
    )
    shift = {"starts_at": starts_at, "ends_at": ends_at}
    moved = Moved(released=_release_unable(session, order, offers, shift, now) if offers else [])
    order.starts_at, order.ends_at = starts_at, ends_at
    deadline = confirm_deadline(order)
    for offer in offers:
        if offer.status not in SAID_YES:
            continue  # let go above
        if offer.status == OfferStatus.BOOKED:
            offer.reminded_at = None  # the reminder goes out again, for the new start
            offer.shift_moved_at = now  # a NO is no fault until the new times are confirmed
        if offer.status == OfferStatus.STANDBY or deadline <= now:
            messaging.notify(session, order, offer, "order_moved_notice")
            continue
        offer.confirmed_at, offer.confirm_asked_at = None, now
        messaging.notify(session, order, offer, "order_moved", deadline=deadline)
        moved.asked.append(offer.worker_id)
    session.flush()
    if any(gone["was"] == OfferStatus.BOOKED for gone in moved.released):
        waves.replace_dropout(session, order, now)  # standby up, else a wave: at the new times
    return moved
