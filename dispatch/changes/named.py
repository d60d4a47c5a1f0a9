"""A named worker booked straight onto an order: a walk-in at the office, a client's
favourite. The worker must pass the rules a YES passes (dispatch/fill/eligibility.py
AT_BOOKING: the matcher's rules but the search radius, since the dispatcher chose this worker
whatever the distance, and "already offered", since an offer they hold is used). The booking
counts toward the booking target; on a full order it is refused (OrderFull) unless the
dispatcher asks for it over the target, their explicit choice (audited as such). The worker
is texted the booking like any other (the "booked" text with the check-in link).

Lock order: the order, then the worker's offer of it, then the worker."""

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.tenancy import Actor
from dispatch.changes.named_errors import AlreadyBookedHere, NamedNotEligible, OrderFull
from dispatch.enums import OfferStatus, OrderStatus, filling_open
from dispatch.fill import eligibility, waves
from dispatch.hooks import events
from dispatch.models import Offer, Order
from dispatch.orders import overbooking
from dispatch.orders.errors import OrderClosed
from dispatch.orders.service import ORDER_BRANCH, get_order
from dispatch.texts import messaging
from workers.errors import WorkerNotFound
from workers.models import Worker

SOURCE = "named"  # offers.answer_source of a named booking


def _booked(session: Session, order: Order) -> list[float]:
    rows = session.scalars(
        select(Offer.reliability).where(
            Offer.order_id == order.id, Offer.status == OfferStatus.BOOKED
        )
    )
    return [float(r) for r in rows]


def _distance_m(session: Session, order: Order, worker_id: int) -> float:
    distance = session.scalar(
        text(
            "SELECT ST_Distance(w.home, s.location, false) FROM workers w, sites s"
            " WHERE w.id = :worker_id AND s.id = :site_id"
        ),
        {"worker_id": worker_id, "site_id": order.site_id},
    )
    return float(distance or 0.0)


def book_named(
    session: Session,
    *,
    order_id: int,
    worker_id: int,
    actor: Actor,
    now: datetime,
    over_target: bool = False,
) -> Offer:
    """Book this worker on the order at once, or refuse naming why (NamedNotEligible with
    the rule's code, OrderFull, AlreadyBookedHere, OrderClosed). Branch staff name only
    their branch's workers (another's is not found)."""
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    if not filling_open(order, now):
        raise OrderClosed(order.code, order.status if now < order.starts_at else "under way")
    offer = waves.locked_offer(session, order, worker_id)
    worker = session.scalars(locked(select(Worker).where(Worker.id == worker_id))).one_or_none()
    if worker is None or not actor.sees_branch(worker.branch_id):
        raise WorkerNotFound(worker_id)
    if offer is not None and offer.status == OfferStatus.BOOKED:
        raise AlreadyBookedHere(worker_id, order.code)
    verdict = eligibility.at_booking(session, order, worker_id, now)
    assert verdict is not None  # the worker's row was just locked
    if verdict.failed:
        raise NamedNotEligible(worker_id, verdict.failed, verdict.clash_code)
    booked = _booked(session, order)
    full = waves.is_full(order, booked)
    if full and not over_target:
        raise OrderFull(order.code, len(booked), order.booking_target)
    if offer is None:
        offer = Offer(
            order_id=order.id,
            worker_id=worker_id,
            wave=order.wave,
            rank=0,  # not ranked: named
            distance_m=_distance_m(session, order, worker_id),
            score=0.0,
            rating=worker.rating,
            reliability=worker.reliability,
        )
        session.add(offer)
    was = offer.status
    offer.status, offer.booked_at = OfferStatus.BOOKED, now
    offer.answered_at, offer.answer_source = now, SOURCE
    session.flush()
    messaging.notify(session, order, offer, "booked")
    booked.append(float(offer.reliability))
    if order.overbooking_mode == "adaptive":
        order.booking_target = overbooking.adaptive_target(
            booked, order.headcount, float(order.fill_goal), overbooking.NEWCOMER_RELIABILITY
        )
    if waves.is_full(order, booked) and order.status != OrderStatus.IN_PROGRESS:
        order.status, order.next_wave_at = OrderStatus.FILLED, None
        events.order_event(session, order, "order.filled")
    audit.log(
        session,
        actor,
        "offer.book_named",
        "offer",
        [offer.id],
        order.branch_id,
        order_id=order.id,
        code=order.code,
        worker_id=worker_id,
        was=was,
        over_target=full,
        booked=len(booked),
        booking_target=order.booking_target,
    )
    return offer


def verdicts(
    session: Session, order: Order, worker_ids: list[int], *, actor: Actor, now: datetime
) -> dict[int, list[str]]:
    """For the office's picker: each worker's failed booking rules (empty: bookable), by the
    same rules book_named applies, with "booked_here" for one booked on this order already.
    Audited like "why is this worker not on the list": it tells a worker's standing."""
    booked_here = set(
        session.scalars(
            select(Offer.worker_id).where(
                Offer.order_id == order.id,
                Offer.worker_id.in_(worker_ids),
                Offer.status == OfferStatus.BOOKED,
            )
        )
    )
    found: dict[int, list[str]] = {}
    for worker_id in worker_ids:
        if worker_id in booked_here:
            found[worker_id] = ["booked_here"]
            continue
        verdict = eligibility.at_booking(session, order, worker_id, now)
        if verdict is not None:
            found[worker_id] = verdict.failed
    if found:
        audit.log(
            session,
            actor,
            "worker.eligibility",
            "worker",
            sorted(found),
            order.branch_id,
            order_id=order.id,
            via="named_booking",
        )
    return found


def fullness(session: Session, order: Order) -> tuple[int, bool]:
    """(booked, full): whether a named booking now would go over the booking target."""
    booked = _booked(session, order)
    return len(booked), waves.is_full(order, booked)
