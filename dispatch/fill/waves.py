"""Filling an order: waves of offers, answers, standby and replacements.

Every step locks the order row first (SELECT ... FOR UPDATE), so bookings, waves and
cancellations of one order happen one at a time, whichever process runs them.
"""

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, immediateload

from core.db import locked
from core.jobs import enqueue_after_commit
from core.tenancy import Actor
from dispatch.enums import (
    ANSWERABLE,
    ENDED,
    FILLABLE,
    OUTSTANDING,
    SAID_YES,
    OfferStatus,
    OrderStatus,
    filling_open,
)
from dispatch.fill import eligibility, ranking, whereabouts
from dispatch.fill.errors import BookedElsewhere, NotEligible, OfferClosed, OfferNotFound
from dispatch.fill.matcher import Candidate, candidates_for
from dispatch.hooks import events
from dispatch.models import Branch, Offer, Order
from dispatch.orders import overbooking
from dispatch.orders.errors import OrderClosed
from dispatch.penalties import record
from dispatch.texts import messaging
from rating import reasons
from rating.policy import LATE_CANCELLATION_POINTS, is_late_cancellation
from workers.models import Worker


def _lock_order(session: Session, order_id: int) -> Order | None:
    """The order locked, with its branch (a get by key, not a join: the lock is the order's)."""
    query = select(Order).where(Order.id == order_id).options(immediateload(Order.branch))
    return session.scalars(locked(query)).first()


def _booked_reliabilities(session: Session, order: Order) -> list[float]:
    rows = session.scalars(
        select(Offer.reliability).where(
            Offer.order_id == order.id, Offer.status == OfferStatus.BOOKED
        )
    )
    return [float(r) for r in rows]


def is_full(order: Order, booked: list[float]) -> bool:
    if order.overbooking_mode == "adaptive":
        return overbooking.adaptive_is_full(booked, order.headcount, float(order.fill_goal))
    return len(booked) >= order.booking_target


def _refresh_target(order: Order, booked: list[float]) -> None:
    """Adaptive targets move with who has booked; fixed ones never do."""
    if order.overbooking_mode == "adaptive":
        order.booking_target = overbooking.adaptive_target(
            booked, order.headcount, float(order.fill_goal), overbooking.NEWCOMER_RELIABILITY
        )


def _status(order: Order, status: OrderStatus, *, stop: bool = True) -> None:
    """The fill's status (stop: no wave due); under way (a top-up's waves) stays in_progress."""
    if stop:
        order.next_wave_at = None
    if order.status != OrderStatus.IN_PROGRESS:
        order.status = status


def _schedule_wave_due(session: Session, order: Order, branch: Branch, now: datetime) -> None:
    delay = timedelta(minutes=branch.wave_timeout_min)
    order.next_wave_at = now + delay
    enqueue_after_commit(
        session,
        "dispatch.wave_due",
        order.id,
        order.wave,
        delay_ms=int(delay.total_seconds() * 1000),
    )


def run_wave(session: Session, order: Order, now: datetime, *, widest: bool = False) -> int:
    """Offer the order to the next best workers; the order must be locked. Returns offers made.

    widest: this wave searches the maximum radius at once (a dispatcher's "widen now").
    The matcher is asked for one more than the wave offers: when that one is missing, nobody
    is left in the ring and the order records it (ring_dry_at; dispatch/orders/shortage.py).
    The order comes with its branch loaded (Order.branch is lazy="raise")."""
    branch = order.branch
    booked = _booked_reliabilities(session, order)
    _refresh_target(order, booked)
    if is_full(order, booked):
        _status(order, OrderStatus.FILLED)
        events.order_event(session, order, "order.filled")
        return 0
    if not filling_open(order, now):  # begun (and not topped up): nobody new is asked
        _status(order, OrderStatus.SHORT)
        return 0
    # The last wave's silent offers expire (a late YES is still welcome).
    session.execute(
        update(Offer)
        .where(Offer.order_id == order.id, Offer.status.in_(OUTSTANDING))
        .values(status=OfferStatus.EXPIRED)
    )
    size = ranking.wave_size(order.booking_target - len(booked), branch.wave_multiple)
    last = ranking.widest_wave(branch.search_radius_m, branch.max_radius_m, branch.radius_growth)
    wave = max(order.wave + 1, last) if widest else order.wave + 1
    while True:
        radius = ranking.wave_radius_m(
            branch.search_radius_m, branch.max_radius_m, branch.radius_growth, wave
        )
        found = candidates_for(session, order, branch, radius, now, size + 1)
        if found or wave >= last:
            break
        wave += 1  # nobody new in this ring: widen now rather than wait out a timeout
    candidates = found[:size]
    order.wave, order.radius_m = wave, radius
    order.ring_dry_at = now if len(found) <= size else None
    offers = [
        Offer(
            order_id=order.id,
            worker_id=c.worker_id,
            status=OfferStatus.QUEUED,
            wave=wave,
            rank=rank,
            distance_m=c.distance_m,
            score=c.score,
            rating=c.rating,
            reliability=c.reliability,
        )
        for rank, c in enumerate(candidates, start=1)
    ]
    session.add_all(offers)
    session.flush()
    for offer in offers:  # best first, so the outbox sends them in rank order
        messaging.notify(session, order, offer, "offer")
    waiting = session.scalar(
        select(Offer.id).where(Offer.order_id == order.id, Offer.status.in_(OUTSTANDING)).limit(1)
    )
    _status(order, OrderStatus.FILLING if offers or waiting else OrderStatus.SHORT, stop=False)
    _schedule_wave_due(session, order, branch, now)
    return len(offers)


def start_filling(session: Session, order_id: int, now: datetime) -> int:
    """The first wave of a new order; a second call does nothing."""
    order = _lock_order(session, order_id)
    if order is None or order.status != OrderStatus.OPEN:
        return 0
    return run_wave(session, order, now)


def wave_due(session: Session, order_id: int, wave: int, now: datetime) -> int:
    """A wave's time is up: if the order is still short of its target, send the next one.

    Stale or repeated messages (another wave already went out, the order filled or was
    cancelled, the timeout not yet reached) change nothing.
    """
    order = _lock_order(session, order_id)
    if order is None or order.wave != wave:
        return 0
    if order.status not in FILLABLE and not filling_open(order, now):  # a top-up: until its end
        return 0
    if order.next_wave_at is None or order.next_wave_at > now:
        return 0
    return run_wave(session, order, now)


def overdue_orders(session: Session, now: datetime, grace: timedelta) -> list[tuple[int, int]]:
    """(order id, wave) of orders whose next wave should have gone out already."""
    topped_up = (Order.status == OrderStatus.IN_PROGRESS) & Order.topped_up_at.is_not(None)
    rows = session.execute(
        select(Order.id, Order.wave).where(
            Order.next_wave_at < now - grace,
            Order.status.in_(FILLABLE) | (topped_up & (Order.ends_at > now)),
        )
    )
    return [(row.id, row.wave) for row in rows]


def locked_offer(session: Session, order: Order, worker_id: int) -> Offer | None:
    """The worker's offer on the order, its row locked (after the order's); None: never offered."""
    return session.scalars(
        locked(select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker_id))
    ).first()


def lock_offer(session: Session, order: Order, worker_id: int) -> Offer:
    offer = locked_offer(session, order, worker_id)
    if offer is None:
        raise OfferNotFound(order.id, worker_id)
    return offer


# What a refused YES says; the rules themselves are dispatch/fill/eligibility.py.
_NOT_BOOKABLE = {
    "no_skill": "no longer has the skill this order needs",
    "phone_unreachable": "has a number that cannot receive SMS",
    "blocked_by_client": "is blocked by this client",
    "patent_expired": "has a work patent that expires before the shift",
}


def _check_can_book(session: Session, order: Order, worker_id: int, now: datetime) -> None:
    """The matcher's rules again, at the moment of booking, under the worker's row lock.

    The lock serialises a worker's bookings across orders and processes; between the offer
    and the answer the worker may have been suspended, blocked, opted out or booked elsewhere.
    The rules are read in a statement after the lock's, so they see what the lock waited for.
    """
    session.scalars(locked(select(Worker).where(Worker.id == worker_id))).one()
    verdict = eligibility.at_booking(session, order, worker_id, now)
    assert verdict is not None  # None only for no such worker: the row was just locked
    refused = [code for code in verdict.failed if code != "booked_elsewhere"]
    if refused:
        why = _NOT_BOOKABLE.get(refused[0], "is not available for work now")
        raise NotEligible(worker_id, why, refused[0])
    if verdict.failed:
        raise BookedElsewhere(worker_id, verdict.clash_code)


def answer(
    session: Session, *, order_id: int, worker_id: int, yes: bool, source: str, now: datetime
) -> Offer:
    """A worker's YES or NO, by SMS or told to a dispatcher: the one place answers land.

    YES books while the order is short of its target, else puts the worker on standby.
    NO from a booked worker is a drop-out: standby moves up, or a new wave goes out.
    """
    order = _lock_order(session, order_id)
    if order is None:
        raise OfferNotFound(order_id, worker_id)
    offer = lock_offer(session, order, worker_id)
    if not filling_open(order, now):  # closed says its status; begun, "under way"
        raise OrderClosed(order.code, "under way" if order.status in FILLABLE else order.status)
    changed = _accept(session, order, offer, now) if yes else _decline(session, order, offer, now)
    if changed:  # a repeated answer keeps its place in the queue
        offer.answered_at, offer.answer_source = now, source
    session.flush()
    return offer


def _accept(session: Session, order: Order, offer: Offer, now: datetime) -> bool:
    if offer.status == OfferStatus.BOOKED and offer.confirm_asked_at and offer.confirmed_at is None:
        # The answer to "please confirm"; to a moved shift: its new terms, a later NO is late.
        offer.confirmed_at, offer.shift_moved_at = now, None
        messaging.notify(session, order, offer, "confirmed")
        return True
    if offer.status in SAID_YES:
        return False  # the same YES twice
    if offer.status in ENDED:
        raise OfferClosed(offer.status)
    _check_can_book(session, order, offer.worker_id, now)
    booked = _booked_reliabilities(session, order)
    if is_full(order, booked):
        offer.status = OfferStatus.STANDBY
        messaging.notify(session, order, offer, "standby")
        return True
    _book(session, order, offer, booked, now)
    if is_full(order, booked):
        _status(order, OrderStatus.FILLED)
        events.order_event(session, order, "order.filled")
    return True


def _book(session: Session, order: Order, offer: Offer, booked: list[float], now: datetime) -> None:
    """The offer booked and the worker told; booked (the order's booked reliabilities) and
    an adaptive target move with them."""
    offer.status, offer.booked_at = OfferStatus.BOOKED, now
    messaging.notify(session, order, offer, "booked")
    booked.append(float(offer.reliability))
    _refresh_target(order, booked)


def _decline(session: Session, order: Order, offer: Offer, now: datetime) -> bool:
    if offer.status == OfferStatus.BOOKED and offer.attendance is not None:
        raise OfferClosed("already marked on site")  # came early: the foreman decides now
    if offer.status == OfferStatus.BOOKED:
        offer.status = OfferStatus.CANCELLED
        late_cancel_h = order.branch.late_cancel_h
        late = offer.shift_moved_at is None  # the office moved the shift: a NO is no fault
        offer.cancelled_late = late and is_late_cancellation(now, order.starts_at, late_cancel_h)
        session.flush()
        # The standby offers are locked before the worker's row (order, offer, worker).
        replace_dropout(session, order, now)
        if offer.cancelled_late:
            hours = (order.starts_at - now).total_seconds() / 3600
            record.penalise(
                session,
                order,
                offer.worker_id,
                kind="late_cancellation",
                points=LATE_CANCELLATION_POINTS,
                fine=Decimal("0"),
                reason=reasons.of("late_cancellation", hours=round(hours, 1), window=late_cancel_h),
                occurred_at=now,
            )
            record.refresh_worker(session, offer.worker_id, now)
        return True
    if offer.status in ANSWERABLE and offer.status != OfferStatus.DECLINED:
        offer.status = OfferStatus.DECLINED
        return True
    return False


def release_booking(session: Session, *, order_id: int, worker_id: int, now: datetime) -> bool:
    """An unconfirmed booking is released at the deadline and the place filled again."""
    order = _lock_order(session, order_id)
    if order is None or order.status not in FILLABLE:
        return False
    offer = lock_offer(session, order, worker_id)
    if offer.status != OfferStatus.BOOKED or offer.confirmed_at is not None or offer.attendance:
        return False  # confirmed, on site already, or changed meanwhile
    offer.status = OfferStatus.RELEASED
    messaging.notify(session, order, offer, "booking_released")
    session.flush()
    replace_dropout(session, order, now)
    return True


def cancel_booking(session: Session, order: Order, offer: Offer, now: datetime) -> None:
    """The office takes a booking back (not the worker's doing: no penalty); the worker hears
    not to come and the place is filled again. The order and the offer must be locked."""
    offer.status = OfferStatus.CANCELLED
    messaging.notify(session, order, offer, "booking_withdrawn")
    session.flush()
    replace_dropout(session, order, now)


def replace_dropout(session: Session, order: Order, now: datetime) -> None:
    """A booked worker dropped out: standby moves up, longest-waiting first, until the order
    is full again; whoever on standby can no longer come is let go. Still short: a wave."""
    booked = _booked_reliabilities(session, order)
    _refresh_target(order, booked)
    waiting = session.scalars(
        locked(
            select(Offer)
            .where(Offer.order_id == order.id, Offer.status == OfferStatus.STANDBY)
            .order_by(Offer.answered_at, Offer.id)
        )
    ).all()
    for standby in waiting:
        if is_full(order, booked):
            break
        try:
            with session.begin_nested():
                _check_can_book(session, order, standby.worker_id, now)
        except (BookedElsewhere, NotEligible):
            standby.status = OfferStatus.CANCELLED
            continue
        _book(session, order, standby, booked, now)
    if is_full(order, booked):
        _status(order, OrderStatus.FILLED)
        events.order_event(session, order, "order.filled")
        return
    _status(order, OrderStatus.FILLING, stop=False)
    outstanding = session.scalar(
        select(Offer.id).where(Offer.order_id == order.id, Offer.status.in_(OUTSTANDING)).limit(1)
    )
    if outstanding is None:
        order.next_wave_at = now  # nobody left to hear from: the next wave is due at once
        enqueue_after_commit(session, "dispatch.wave_due", order.id, order.wave)
    elif order.next_wave_at is None:  # it was full; wait for the open offers a timeout
        _schedule_wave_due(session, order, order.branch, now)


def preview_candidates(
    session: Session, order: Order, now: datetime, limit: int, *, actor: Actor
) -> list[tuple[Candidate, str]]:
    """Who the next wave would offer, at the order's current radius, with the reason why, as
    the actor may see them: another branch's workers at rough distances
    (dispatch/fill/whereabouts.py), in the list, the score and the reason alike. The order comes
    with its branch loaded."""
    branch = order.branch
    candidates = candidates_for(session, order, branch, order.radius_m, now, limit)
    rough = whereabouts.rough_distances(
        session, actor=actor, site_id=order.site_id, worker_ids=[c.worker_id for c in candidates]
    )
    shown = [
        c
        if c.worker_id not in rough
        else replace(
            c,
            distance_m=rough[c.worker_id],
            score=whereabouts.rough_score(
                branch,
                order,
                c.rating,
                rough[c.worker_id],
                ranked_last=c.no_show_until is not None,
                said_free=c.said_free,
            ),
        )
        for c in candidates
    ]
    zone = ZoneInfo(branch.timezone)
    return [(c, _reason(c, zone)) for c in shown]


def _reason(c: Candidate, zone: ZoneInfo) -> str:
    """The ranking's reason; a recent no-show by its date in the branch's timezone."""
    if c.no_show_at is None or c.no_show_until is None:
        return ranking.reason(c.rating, c.reliability, c.distance_m, said_free=c.said_free)
    return ranking.reason(
        c.rating,
        c.reliability,
        c.distance_m,
        no_show_on=c.no_show_at.astimezone(zone).date(),
        window_days=(c.no_show_until - c.no_show_at).days,
        said_free=c.said_free,
    )
