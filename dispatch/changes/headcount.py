"""The headcount of a placed order, up or down, before its shift begins.

Up: the booking target grows by the order's own overbooking rule; standby moves up first,
then a wave goes out at once (a filled order is filling again). Down: every standby offer is
let go first (a text: off standby), then the most recently booked are released, newest
first, until the order is just full again by its new target (a text: the office cancelled
the booking); inside the branch's `late_cancel_h` each released booking is paid show-up pay
as a late client cancel (`pay_if_cancelled_late`, the rule a cancelled order follows).

The order row must be locked by the caller (dispatch/changes/patch.py); the offers are
locked here, after it, by id: the lock order of every writer. A YES landing meanwhile waits
for the order's lock, then finds the new target: never more booked than it after a cut.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import locked
from dispatch.enums import SAID_YES, OfferStatus, OrderStatus
from dispatch.fill import waves
from dispatch.hooks import events
from dispatch.models import Offer, Order
from dispatch.orders import overbooking
from dispatch.orders.service import pay_if_cancelled_late
from dispatch.texts import messaging


@dataclass
class HeadcountCut:
    """What a cut did, for the audit log and the caller."""

    released_standby: list[int] = field(default_factory=list)  # worker ids (down)
    released_booked: list[int] = field(default_factory=list)  # worker ids, newest first
    paid_late: list[int] = field(default_factory=list)  # those of them paid show-up pay


def target_for(order: Order, booked: list[float]) -> int:
    """The booking target by the order's own rule: fixed, or adaptive from who has booked."""
    if order.overbooking_mode == "adaptive":
        return overbooking.adaptive_target(
            booked, order.headcount, float(order.fill_goal), overbooking.NEWCOMER_RELIABILITY
        )
    return overbooking.fixed_target(order.headcount, order.overbook_factor)


def _roster(session: Session, order: Order) -> list[Offer]:
    """The booked and standby offers, locked (after the order), by id."""
    query = select(Offer).where(Offer.order_id == order.id, Offer.status.in_(SAID_YES))
    return list(session.scalars(locked(query.order_by(Offer.id))))


def _booked(offers: list[Offer]) -> list[Offer]:
    """Booked offers, the earliest booked first (so the newest are at the end)."""
    found = [o for o in offers if o.status == OfferStatus.BOOKED]
    return sorted(found, key=lambda o: (o.booked_at is None, o.booked_at, o.id))


def raise_headcount(session: Session, order: Order, headcount: int, now: datetime) -> int:
    """More workers: the new target, standby moved up, a wave at once. Offers made."""
    offers = _roster(session, order)
    order.headcount = headcount
    order.booking_target = target_for(order, [float(o.reliability) for o in _booked(offers)])
    if order.status in (OrderStatus.OPEN, OrderStatus.AWAITING_APPROVAL):
        return 0  # the first wave is still to come (or to be approved): it fills to the target
    # Standby moves up first, as for a drop-out; whoever on standby can no longer come is
    # let go there. (waves.py is at the house's size limit: its helper is used, not copied.)
    waves.replace_dropout(session, order, now)
    if order.status == OrderStatus.FILLED:
        return 0
    return waves.run_wave(session, order, now)


def lower_headcount(session: Session, order: Order, headcount: int, now: datetime) -> HeadcountCut:
    """Fewer workers: standby let go, then the newest bookings beyond the new target."""
    done = HeadcountCut()
    offers = _roster(session, order)
    order.headcount = headcount
    for offer in offers:
        if offer.status == OfferStatus.STANDBY:
            offer.status = OfferStatus.CANCELLED
            messaging.notify(session, order, offer, "standby_released")
            done.released_standby.append(offer.worker_id)
    kept = _booked(offers)
    order.booking_target = target_for(order, [float(o.reliability) for o in kept])
    # Newest first, while the order is full without them (fixed: down to the target).
    while kept and waves.is_full(order, [float(o.reliability) for o in kept[:-1]]):
        offer = kept.pop()
        if pay_if_cancelled_late(session, order, offer, now):
            done.paid_late.append(offer.worker_id)
        offer.status = OfferStatus.CANCELLED
        messaging.notify(session, order, offer, "booking_withdrawn")
        done.released_booked.append(offer.worker_id)
    booked = [float(o.reliability) for o in kept]
    order.booking_target = target_for(order, booked)
    if order.status not in (OrderStatus.OPEN, OrderStatus.AWAITING_APPROVAL) and waves.is_full(
        order, booked
    ):
        order.status, order.next_wave_at = OrderStatus.FILLED, None
        events.order_event(session, order, "order.filled")
    session.flush()
    return done
