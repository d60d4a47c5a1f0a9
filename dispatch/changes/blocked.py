"""Blocking a worker lets them go from every order not yet begun.

A blocked worker is never offered work nor booked (the eligibility rule "inactive"), but the
places they already held stay theirs until released: here, in the block's transaction. On
every order whose shift has not begun, each live offer of the worker ends (cancelled) as a
headcount cut ends it (dispatch/changes/headcount.py): booked, "the office cancelled the
booking"; on standby, "off standby"; an offer still unanswered, silently (a late YES finds it
closed). No penalty and no show-up pay: the worker's standing, not the client, took the place
back. A freed booking is filled the usual way: standby moves up, else a wave
(`waves.replace_dropout`, as a move's releases are). An order already under way (its start
passed, marked in progress, or the worker already marked on site) keeps the booking: it is
listed in the answer (`under_way`) for the dispatcher to act on.

Locks, in the one order of every writer (core/db.py `locked`): the worker's live offers are
found without a lock, then their orders are locked in id order, then the offers of those not
begun (their rosters, which a refill moves up, and the worker's own), then the worker's row;
what was found is checked again under the locks. An offer a wave makes meanwhile, on an order
not locked here, is refused at its YES (the worker is blocked by then).

Audited: `worker.block` with the reason and the orders released from (and those under way),
and an `order.worker_blocked` entry on each order released from.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, immediateload

from core import audit
from core.db import locked
from core.tenancy import Actor
from dispatch.enums import IN_PLAY, NOT_CLOSED, SAID_YES, OfferStatus, OrderStatus
from dispatch.fill import waves
from dispatch.models import Offer, Order
from dispatch.orders import roster
from dispatch.texts import messaging
from workers import service, vetting
from workers.models import Worker

_TEXTS = {OfferStatus.BOOKED: "booking_withdrawn", OfferStatus.STANDBY: "standby_released"}


@dataclass(frozen=True)
class Released:
    order_id: int
    code: str
    was: str  # booked, standby, queued or sent


@dataclass(frozen=True)
class UnderWay:
    """A booking left as it was: its order has begun."""

    order_id: int
    code: str
    starts_at: datetime


@dataclass
class Blocked:
    """The worker blocked, and what the block did to their orders."""

    worker: Worker
    released: list[Released] = field(default_factory=list)
    under_way: list[UnderWay] = field(default_factory=list)


def _begun(order: Order, offer: Offer, now: datetime) -> bool:
    """The shift has begun for this booking (roster.begun, or the worker marked on site)."""
    return roster.begun(order, now) or offer.attendance is not None


def _live_order_ids(session: Session, worker_id: int) -> list[int]:
    """The orders, not closed, where the worker has a live offer (read without a lock)."""
    query = (
        select(Offer.order_id)
        .join(Order, Order.id == Offer.order_id)
        .where(
            Offer.worker_id == worker_id,
            Offer.status.in_(IN_PLAY),
            Order.status.in_(NOT_CLOSED),
        )
        .distinct()
    )
    return sorted(session.scalars(query))


def _lock_orders(session: Session, ids: list[int]) -> list[Order]:
    """The orders locked in id order, each with its branch (a refill needs it)."""
    query = select(Order).where(Order.id.in_(ids)).options(immediateload(Order.branch))
    return [
        order
        for order in session.scalars(locked(query.order_by(Order.id)))
        if order.status in NOT_CLOSED and order.closed_at is None
    ]


def _lock_offers(session: Session, orders: list[Order], worker_id: int) -> list[Offer]:
    """The worker's live offers on these orders, locked with the rosters (booked, standby)
    a refill moves up, by id; the worker's own are returned."""
    if not orders:
        return []
    query = select(Offer).where(
        Offer.order_id.in_([o.id for o in orders]),
        or_(Offer.status.in_(SAID_YES), Offer.worker_id == worker_id),
    )
    offers = session.scalars(locked(query.order_by(Offer.id))).all()
    return [o for o in offers if o.worker_id == worker_id and o.status in IN_PLAY]


def block_worker(
    session: Session, worker_id: int, *, actor: Actor, reason: str, now: datetime
) -> Blocked:
    """Block the worker (a reason, as workers/vetting.py `block` asks) and let them go from
    every order not yet begun; see the module's rules."""
    found = service.find_worker(session, worker_id, actor=actor)  # another branch's: 404
    vetting.check_block(found, reason)  # refused before anything is locked
    orders = {o.id: o for o in _lock_orders(session, _live_order_ids(session, found.id))}
    offers = _lock_offers(session, list(orders.values()), found.id)
    worker = session.scalars(locked(select(Worker).where(Worker.id == found.id))).one()
    vetting.check_block(worker, reason)  # again, under the lock: someone may have been first
    done = Blocked(worker)
    refill: list[Order] = []
    for offer in offers:
        order = orders[offer.order_id]
        if _begun(order, offer, now):
            if offer.status == OfferStatus.BOOKED:
                done.under_way.append(UnderWay(order.id, order.code, order.starts_at))
            continue
        was = OfferStatus(offer.status)
        offer.status = OfferStatus.CANCELLED
        if was in _TEXTS:
            messaging.notify(session, order, offer, _TEXTS[was])
        # An order still open (a named booking before its first wave): that wave fills it.
        if was == OfferStatus.BOOKED and order.status != OrderStatus.OPEN and order not in refill:
            refill.append(order)
        done.released.append(Released(order.id, order.code, str(was)))
    session.flush()
    vetting.block(
        session,
        worker,
        actor=actor,
        reason=reason,
        released=[asdict(r) for r in done.released],
        under_way=[{"order_id": u.order_id, "code": u.code} for u in done.under_way],
    )
    for order_id in sorted({r.order_id for r in done.released}):
        order = orders[order_id]
        kinds = [r.was for r in done.released if r.order_id == order_id]
        audit.log(
            session,
            actor,
            "order.worker_blocked",
            "order",
            [order.id],
            order.branch_id,
            code=order.code,
            worker_id=worker.id,
            was=kinds,
        )
    for order in refill:  # standby moves up, else a wave: as for any drop-out
        waves.replace_dropout(session, order, now)
    session.flush()
    return done
