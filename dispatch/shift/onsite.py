"""On site: the foreman's marks, the no-show sweep and closing a shift.

A mark decides the automatic penalties of that worker on that order (late, no-show, left
early); a corrected mark reverses what no longer applies and adds what now does, so the
ledger always matches the final marks. Locks: order, then offer, then ledger entry, then
worker (as everywhere in dispatch).

A person's punishing mark (no-show, left early, sent home) is first held as pending on the
offer for the branch's undo_window_s: nothing is texted, fined or suspended, and an undo drops
it without a trace in the ledger. Once the window is over it is applied exactly once, by a
delayed job or the minute's sweep of due pending marks (settle_pending), whichever comes
first; a close applies those still pending at once.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, DateTime, and_, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.tenancy import SYSTEM, Actor
from dispatch.enums import (
    ATTENDANCE,
    NOT_CLOSED,
    PUNISHING,
    SENT_HOME_REASONS,
    Attendance,
    OfferStatus,
    OrderStatus,
)
from dispatch.hooks import events
from dispatch.hours import service as hours_service
from dispatch.models import Branch, Offer, Order
from dispatch.orders.roster import due_sql
from dispatch.orders.service import ORDER_BRANCH, get_order, visible_orders
from dispatch.quality import asking
from dispatch.shift import marks, timesheets
from dispatch.shift.errors import (
    EndNotChosen,
    NotCheckedIn,
    NothingToUndo,
    ReasonNotAsked,
    ReasonRequired,
    ShiftNotStarted,
    UndoTooLate,
    UnknownEnd,
    UnknownMark,
    UnknownReason,
)
from rating import policy
from rating import service as ledger

SWEEP_LOOKBACK = timedelta(days=7)  # older unmarked bookings are left to the close


def mark_attendance(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    worker_id: int,
    status: str,
    at: datetime | None,
    now: datetime,
    reason: str | None = None,
) -> Offer:
    """The foreman's mark for one booked worker; corrections allowed until the close. A
    worker sent home comes with the reason why (check_reason), no other mark with one."""
    if status not in ATTENDANCE:
        raise UnknownMark("status", f"must be one of {', '.join(ATTENDANCE)}")
    check_reason(status, reason)
    at = at or now
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    marks.check_open(order)
    offer = marks.booked_offer(session, order, worker_id)
    marks.check_time(order, offer, status, at, now, until=hours_service.last_end(session, order))
    window_s = order.branch.undo_window_s
    if status in PUNISHING and window_s > 0 and actor.user_id is not None:
        marks.hold_pending(
            session,
            order,
            offer,
            status=status,
            at=at,
            by=actor,
            now=now,
            window_s=window_s,
            reason=reason,
        )
    else:
        marks.set_mark(
            session, order, offer, status=status, at=at, by=actor, now=now, reason=reason
        )
    return offer


def check_reason(status: str, reason: str | None) -> None:
    """A sent-home mark says why (SENT_HOME_REASONS); no other mark takes a reason."""
    if status != Attendance.SENT_HOME:
        if reason is not None:
            raise ReasonNotAsked("reason", f"is only for {Attendance.SENT_HOME}")
        return
    if reason is None:
        raise ReasonRequired("reason", f"is required: one of {', '.join(SENT_HOME_REASONS)}")
    if reason not in SENT_HOME_REASONS:
        raise UnknownReason("reason", f"must be one of {', '.join(SENT_HOME_REASONS)}")


def undo_mark(
    session: Session, order_id: int, *, actor: Actor, worker_id: int, now: datetime
) -> Offer:
    """Drop a pending mark inside its window: nothing was texted, fined or suspended, and
    nothing will be. After the window the mark counts (correct it with another mark)."""
    order = get_order(session, order_id, actor=actor, lock=True)
    marks.check_open(order)
    offer = marks.booked_offer(session, order, worker_id)
    if offer.pending_mark is None:
        raise NothingToUndo(f"worker {worker_id} has no mark waiting on order {order.code}")
    assert offer.pending_until is not None  # a pending mark has its end (pending_whole)
    if now >= offer.pending_until:
        raise UndoTooLate(f"the undo window of worker {worker_id}'s mark is over")
    marks.drop_pending(session, order, offer, actor, why="undone")
    return offer


def pending_due(session: Session, now: datetime) -> list[int]:
    """Offers whose pending mark's window is over: what the settle sweep applies."""
    return list(
        session.scalars(
            select(Offer.id).where(Offer.pending_until <= now).order_by(Offer.pending_until)
        )
    )


def settle_pending(session: Session, offer_id: int, now: datetime) -> bool:
    """Apply one pending mark whose window is over, exactly once: the order's and the offer's
    row locks decide a race with an undo, another mark, a close or a second job; whoever comes
    second finds nothing pending. True when this call applied it."""
    order_id = session.scalar(select(Offer.order_id).where(Offer.id == offer_id))
    if order_id is None:
        return False
    order = session.scalars(
        locked(select(Order).where(Order.id == order_id).options(*ORDER_BRANCH))
    ).one()
    offer = session.scalars(locked(select(Offer).where(Offer.id == offer_id))).one()
    if offer.pending_mark is None:
        return False  # undone, replaced or already applied
    assert offer.pending_until is not None  # a pending mark has its end (pending_whole)
    if offer.pending_until > now:
        return False  # its window still open
    if (
        order.closed_at is not None
        or order.status == OrderStatus.CANCELLED
        or offer.status != OfferStatus.BOOKED
    ):
        marks.drop_pending(session, order, offer, SYSTEM, why="order_closed")
        return False
    marks.apply_pending(session, order, offer, now)
    return True


def mark_all_arrived(
    session: Session, order_id: int, *, actor: Actor, worker_ids: list[int], now: datetime
) -> list[Offer]:
    """A crew that came together: each of these workers still unmarked (and with no mark
    pending) is marked arrived, at the time of their link check-in if they made one, else now;
    anyone marked meanwhile is left as they are."""
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    marks.check_open(order)
    offers = _unmarked(
        session, order, Offer.pending_mark.is_(None), Offer.worker_id.in_(worker_ids)
    )
    for offer in offers:
        at = offer.checked_in_at or now
        marks.check_time(order, offer, Attendance.ARRIVED, at, now, None)
        marks.set_mark(
            session, order, offer, status=Attendance.ARRIVED, at=at, by=actor, now=now, crew=True
        )
    return offers


def _unmarked(session: Session, order: Order, *narrower: ColumnElement[bool]) -> list[Offer]:
    """Booked and unmarked, locked in worker order, narrowed by any further conditions: the
    sweep leaves out those who checked in by link (on site, awaiting the foreman) and those
    with a mark pending (its own window settles it), the close takes everyone (the foreman
    saw them in the summary)."""
    return list(
        session.scalars(
            locked(
                select(Offer)
                .where(
                    Offer.order_id == order.id,
                    Offer.status == OfferStatus.BOOKED,
                    Offer.attendance.is_(None),
                    *narrower,
                )
                .order_by(Offer.worker_id)  # then their worker rows, in this order too
            )
        )
    )


def orders_due_for_sweep(session: Session, now: datetime) -> list[int]:
    """Orders under way, past start + late_as_no_show_min, with a booked worker unmarked."""
    cutoff = Order.starts_at + func.make_interval(0, 0, 0, 0, 0, Branch.late_as_no_show_min)
    unmarked = exists().where(
        Offer.order_id == Order.id,
        Offer.status == OfferStatus.BOOKED,
        Offer.attendance.is_(None),
        Offer.checked_in_at.is_(None),
        Offer.pending_mark.is_(None),
        # booked by a top-up after the start: due later (dispatch/orders/roster.py due_at)
        due_sql(Order.starts_at, Order.topped_up_at)
        + func.make_interval(0, 0, 0, 0, 0, Branch.late_as_no_show_min)
        < now,
    )
    return list(
        session.scalars(
            select(Order.id)
            .join(Branch, Branch.id == Order.branch_id)
            .where(
                Order.status.in_(NOT_CLOSED),
                Order.closed_at.is_(None),
                Order.starts_at > now - SWEEP_LOOKBACK,
                cutoff < now,
                unmarked,
            )
            .order_by(Order.starts_at)
        )
    )


def sweep_no_shows(session: Session, order_id: int, now: datetime) -> int:
    """Booked workers still unmarked late_as_no_show_min after the start are no-shows."""
    query = select(Order).where(Order.id == order_id).options(*ORDER_BRANCH)
    order = session.scalars(locked(query)).one_or_none()
    if order is None or order.status not in NOT_CLOSED or order.closed_at is not None:
        return 0
    branch = order.branch
    if now <= order.starts_at + timedelta(minutes=branch.late_as_no_show_min):
        return 0
    offers = _unmarked(
        session,
        order,
        Offer.checked_in_at.is_(None),
        Offer.pending_mark.is_(None),
        # booked by a top-up after the start: due later (roster.due_at)
        due_sql(
            literal(order.starts_at, DateTime(timezone=True)),
            literal(order.topped_up_at, DateTime(timezone=True)),
        )
        < now - timedelta(minutes=branch.late_as_no_show_min),
    )
    for offer in offers:
        marks.set_mark(session, order, offer, status=Attendance.NO_SHOW, at=now, by=SYSTEM, now=now)
    return len(offers)


ENDS = ("now", "scheduled")  # when work ended, chosen at a close before the scheduled end


def end_of_work(order: Order, end: str | None, now: datetime) -> datetime:
    """When work ends for everyone at a close: now, or the scheduled end. Before the scheduled
    end the choice must be made (None refused); after it both are the scheduled end."""
    if end is None:
        if now < order.ends_at:
            raise EndNotChosen("end", f"must be one of {', '.join(ENDS)}: the shift is under way")
        end = "scheduled"
    if end not in ENDS:
        raise UnknownEnd("end", f"must be one of {', '.join(ENDS)}")
    return min(now, order.ends_at) if end == "now" else order.ends_at


def ends_to_choose(order: Order, now: datetime) -> tuple[str, ...]:
    """The ends a close may be given now: both while the shift runs, the scheduled one after
    it, none before the start or once closed or cancelled."""
    if (
        order.closed_at is not None
        or order.status == OrderStatus.CANCELLED
        or now < order.starts_at
    ):
        return ()
    return ENDS if now < order.ends_at else ("scheduled",)


def close_shift(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    now: datetime,
    end: str | None = "now",
    rehearsal: bool = False,
) -> Order:
    """End the shift: unmarked booked workers become no-shows; marks are final from here;
    hours run to the chosen end of work (end_of_work). A rehearsal (the preview, rolled back)
    leaves the workers' standing as it is: the sheet it shows holds none of it."""
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    marks.check_open(order)
    if now < order.starts_at:
        raise ShiftNotStarted(f"order {order.code} has not started yet")
    ended = end_of_work(order, end, now)
    # Every offer the close settles, locked at once in worker order before any worker row
    # (locking the unmarked after applying the pending ones locked an offer after a worker).
    settled = locked(
        select(Offer)
        .where(
            Offer.order_id == order.id,
            or_(
                Offer.pending_mark.is_not(None),
                and_(Offer.status == OfferStatus.BOOKED, Offer.attendance.is_(None)),
            ),
        )
        .order_by(Offer.worker_id)
    )
    offers = session.scalars(settled).all()
    # Their entries on the order in two reads, not two per worker; settling one worker
    # touches no other's.
    since = policy.entries_from(order.created_at, order.starts_at)  # the order's months only
    on_order = ledger.entries_on_order(session, order.id, since=since)
    for offer in offers:
        entries = on_order.get(offer.worker_id) or ledger.OrderEntries([], [])
        if offer.pending_mark is not None:  # the close is the foreman's last word: it counts
            marks.apply_pending(session, order, offer, now, standing=not rehearsal, entries=entries)
        else:
            marks.set_mark(
                session,
                order,
                offer,
                status=Attendance.NO_SHOW,
                at=now,
                by=actor,
                now=now,
                standing=not rehearsal,
                entries=entries,
            )
    order.closed_at, order.status, order.next_wave_at = now, OrderStatus.COMPLETED, None
    order.work_ended_at = ended
    session.flush()
    audit.log(
        session,
        actor,
        "order.close",
        "order",
        [order.id],
        order.branch_id,
        work_ended_at=ended.isoformat(),
    )
    events.shift_closed(session, order)
    if not rehearsal:  # the client's contact is asked to rate the crew (once per order)
        asking.ask_after_close(session, order, now)
    return order


def preview_close(
    session: Session, order_id: int, *, actor: Actor, now: datetime, end: str | None
) -> timesheets.Timesheet:
    """The timesheet close_shift would produce with this end, writing nothing: the close itself
    runs in a savepoint that is rolled back (its row locks and queued jobs go with it), so the
    preview and the close cannot disagree."""
    return preview_closes(session, order_id, actor=actor, now=now, ends=(end,))[0]


def preview_closes(
    session: Session, order_id: int, *, actor: Actor, now: datetime, ends: Sequence[str | None]
) -> list[timesheets.Timesheet]:
    """preview_close for each end, from one close: the end changes only the hours (through
    work_ended_at), not who becomes a no-show or what that costs them."""
    if not ends:
        return []
    savepoint = session.begin_nested()
    try:
        order = close_shift(session, order_id, actor=actor, now=now, end=ends[0], rehearsal=True)
        ended = [end_of_work(order, end, now) for end in ends]
        sheets = timesheets.timesheets_ending(session, order_id, actor=actor, ends=ended)
    finally:
        savepoint.rollback()  # the reads' audit entries went with it: record them again
    for sheet in sheets:
        timesheets.audit_read(session, actor, sheet, session.get_one(Order, order_id).branch_id)
    return sheets


def confirm_check_in(
    session: Session, order_id: int, *, actor: Actor, worker_id: int, now: datetime
) -> Offer:
    """The foreman confirms a worker's link check-in: arrived at the time of the check-in."""
    order = get_order(session, order_id, actor=actor, lock=True, options=ORDER_BRANCH)
    marks.check_open(order)
    offer = marks.booked_offer(session, order, worker_id)
    if offer.checked_in_at is None:
        raise NotCheckedIn(f"worker {worker_id} has not checked in by link")
    at = offer.checked_in_at
    marks.check_time(order, offer, Attendance.ARRIVED, at, now, None)
    marks.set_mark(session, order, offer, status=Attendance.ARRIVED, at=at, by=actor, now=now)
    return offer


def orders_on_site(session: Session, *, actor: Actor, now: datetime) -> list[Order]:
    """What a foreman works with: the actor's orders starting within the next three days
    (the page keeps today's and tomorrow's in branch time) and every shift that began within
    the sweep's lookback (a week), so a night shift stays until it is closed; no cancelled
    order, none awaiting the office's approval (nobody is arranged for it yet)."""
    query = visible_orders(select(Order), actor).where(
        Order.status.not_in((OrderStatus.CANCELLED, OrderStatus.AWAITING_APPROVAL)),
        Order.starts_at >= now - SWEEP_LOOKBACK,
        Order.starts_at < now + timedelta(days=3),
    )
    return list(session.scalars(query.order_by(Order.starts_at, Order.id)))
