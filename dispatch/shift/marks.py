"""What a mark is and does: the checks of a mark, the automatic ledger entries the marks call
for, setting a mark (audited, the ledger settled to match), and holding a person's punishing
mark as pending for the branch's undo window (dispatch/shift/onsite.py has the use-cases).

A corrected mark reverses what no longer applies and adds what now does, so the ledger always
matches the final marks. The caller holds the order's and the offer's row locks.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core import audit
from core.jobs import enqueue_after_commit
from core.money import money
from core.tenancy import SYSTEM, Actor
from dispatch.enums import (
    LEFT_BEFORE_END,
    NOT_CLOSED,
    WORKED,
    Attendance,
    OfferStatus,
    OrderStatus,
)
from dispatch.fill import waves
from dispatch.models import Branch, Offer, Order, User
from dispatch.orders import roster
from dispatch.orders.errors import OrderCancelled
from dispatch.penalties import record
from dispatch.registry.staff import actor_of
from dispatch.shift.errors import (
    ArrivalAfterEnd,
    ArrivalTooEarly,
    AttendanceFinal,
    LeftBeforeArrival,
    MarkInFuture,
    NoArrival,
    NotBooked,
    ShiftNotStarted,
)
from rating import policy, reasons
from rating import service as ledger
from rating.models import PenaltyEvent

EARLIEST_ARRIVAL = timedelta(hours=3)  # an arrival marked earlier than this is a slip
# What marks produce on their own (compensation: a released extra's show-up pay).
MARKED_KINDS = ("late", "no_show", "left_early", "sent_home", "compensation")
SETTLE_JOB_MARGIN_MS = 1_000  # the delayed settle job comes just after the window, not before
# The marks that make sense from each mark a worker has (the foreman's page offers only
# these); the current mark is left out: tapping "arrived" again would move the arrival to now,
# and "arrived" after "left early" would too. Sent home is from an arrival only: a worker
# turned away at the gate is marked arrived, then sent home (the arrival is what they are paid
# from, and what their lateness is judged by).
NEXT_MARKS: dict[str | None, tuple[Attendance, ...]] = {
    None: (Attendance.ARRIVED, Attendance.NO_SHOW, Attendance.RELEASED),
    Attendance.ARRIVED: (
        Attendance.LEFT_EARLY,
        Attendance.SENT_HOME,
        Attendance.NO_SHOW,
        Attendance.RELEASED,
    ),
    Attendance.LEFT_EARLY: (Attendance.NO_SHOW, Attendance.RELEASED),
    Attendance.SENT_HOME: (Attendance.NO_SHOW, Attendance.RELEASED),
    Attendance.NO_SHOW: (Attendance.ARRIVED, Attendance.RELEASED),
    Attendance.RELEASED: (Attendance.ARRIVED, Attendance.NO_SHOW),
}


def next_marks(attendance: str | None, *, started: bool) -> tuple[str, ...]:
    """The marks valid from this one: no no-show before the start (refused then)."""
    return tuple(m for m in NEXT_MARKS[attendance] if started or m != Attendance.NO_SHOW)


def check_open(order: Order) -> None:
    if order.status == OrderStatus.CANCELLED:
        raise OrderCancelled(f"order {order.code} is cancelled")
    if order.closed_at is not None:
        raise AttendanceFinal(f"order {order.code} is closed: its attendance is final")


def booked_offer(session: Session, order: Order, worker_id: int) -> Offer:
    offer = waves.locked_offer(session, order, worker_id)
    if offer is None or offer.status != OfferStatus.BOOKED:
        raise NotBooked(f"worker {worker_id} is not booked on order {order.code}")
    return offer


def check_time(
    order: Order, offer: Offer, status: str, at: datetime, now: datetime, until: datetime | None
) -> None:
    # until: the latest a mark may be (hours/service.py last_end: approved overtime's end)
    if at > now:
        raise MarkInFuture("at", "is in the future")
    if status == Attendance.NO_SHOW:
        if now < order.starts_at:
            raise ShiftNotStarted(f"order {order.code} has not started: nobody is a no-show yet")
        return
    if at < order.starts_at - EARLIEST_ARRIVAL:
        raise ArrivalTooEarly("at", f"is more than {EARLIEST_ARRIVAL} before the start")
    if at > (until or order.ends_at):
        raise ArrivalAfterEnd("at", "is after the end of the shift")
    if status in LEFT_BEFORE_END:
        if offer.arrived_at is None:
            raise NoArrival(f"worker {offer.worker_id} has no arrival to leave from: mark it first")
        if at < offer.arrived_at:
            raise LeftBeforeArrival("at", "is before the worker's arrival")


# What makes two automatic entries the same: kind, points, fine, payout, a sent home's why.
Key = tuple[str, int, Decimal, Decimal, str | None]


@dataclass(frozen=True)
class Due:
    """An automatic ledger entry the marks call for."""

    kind: str
    points: int
    fine: Decimal
    payout: Decimal
    reason: reasons.Reason

    @property
    def key(self) -> Key:
        return (
            self.kind,
            self.points,
            money(self.fine),
            money(self.payout),
            _why(self.reason.args),
        )


def _entries_due(order: Order, offer: Offer, branch: Branch) -> list[Due]:
    zero = Decimal("0")
    if offer.attendance == Attendance.NO_SHOW:
        return [
            Due("no_show", policy.NO_SHOW_POINTS, branch.no_show_fine, zero, reasons.of("absent"))
        ]
    if offer.attendance == Attendance.RELEASED:  # came but not needed: show-up pay, no penalty
        return [Due("compensation", 0, zero, branch.show_up_pay, reasons.of("released_on_site"))]
    if offer.attendance not in WORKED:
        return []
    due: list[Due] = []
    lateness = roster.judged_arrival(order, branch, offer)
    minutes = lateness.minutes_late
    if lateness.kind == "late":
        came = reasons.of("late", minutes=minutes)
        due.append(Due("late", lateness.points, lateness.fine, zero, came))
    elif lateness.kind == "no_show":
        more = reasons.of("late_as_no_show", minutes=minutes, limit=branch.late_as_no_show_min)
        due.append(Due("no_show", policy.NO_SHOW_POINTS, branch.no_show_fine, zero, more))
    # Leaving during approved overtime, after the scheduled end, is no early leaving.
    left_at = offer.left_at  # set by the mark (_marked)
    if offer.attendance == Attendance.LEFT_EARLY and left_at and left_at < order.ends_at:
        early = int((order.ends_at - left_at).total_seconds() // 60)
        left = reasons.of("left_early", minutes=early)
        due.append(Due("left_early", policy.LEFT_EARLY_POINTS, zero, zero, left))
    if offer.attendance == Attendance.SENT_HOME:
        assert offer.sent_home_reason is not None  # the mark's (ck_offers_sent_home_reason_whole)
        why = reasons.of("sent_home", why=offer.sent_home_reason)
        due.append(Due("sent_home", branch.sent_home_points, branch.sent_home_fine, zero, why))
    return due


def _key(event: PenaltyEvent) -> Key:
    return (event.kind, event.points, event.fine, event.payout, _why(event.reason_args))


def _why(args: Mapping[str, object]) -> str | None:
    """A sent-home entry's reason: another reason is another entry (the text says why)."""
    why = args.get("why")
    return why if isinstance(why, str) else None


def _settle_entries(
    session: Session,
    order: Order,
    offer: Offer,
    branch: Branch,
    by: Actor,
    now: datetime,
    *,
    standing: bool = True,
    entries: ledger.OrderEntries | None = None,
) -> None:
    """Make the worker's automatic entries on this order match the marks (entries: as read
    for the whole order by a close); then, unless told not to (a rehearsed close), the
    worker's figures and standing from the whole record."""
    due = {d.key: d for d in _entries_due(order, offer, branch)}
    if entries is None:
        since = policy.entries_from(order.created_at, order.starts_at)
        entries = ledger.entries_on(session, offer.worker_id, order.id, since=since)
    for waived in entries.waived:
        due.pop(_key(waived), None)  # a dispatcher's word stands
    for event in entries.active:
        if event.kind not in MARKED_KINDS:
            continue
        if _key(event) in due:
            del due[_key(event)]  # still right: kept as it is
            continue
        event = ledger.get_event(session, event.id, lock=True)
        # The correction's author answers for it in the ledger and the audit log.
        record.withdraw(
            session,
            event,
            order,
            reason=reasons.of("attendance_corrected"),
            now=now,
            actor=by,
            by_rule=True,
        )
    for entry in due.values():
        if entry.kind == "compensation":
            record.compensate(
                session, order, offer.worker_id, reason=entry.reason, text="show_up_pay"
            )
        else:
            record.penalise(
                session,
                order,
                offer.worker_id,
                kind=entry.kind,
                points=entry.points,
                fine=entry.fine,
                reason=entry.reason,
            )
    if standing:
        record.refresh_worker(session, offer.worker_id, now)


def set_mark(
    session: Session,
    order: Order,
    offer: Offer,
    *,
    status: str,
    at: datetime,
    by: Actor,
    now: datetime,
    standing: bool = True,
    entries: ledger.OrderEntries | None = None,
    reason: str | None = None,
    **detail: object,
) -> bool:
    """Set one mark; False when it was already exactly so. A pending mark it replaces is
    dropped (settle_pending clears its own before it applies it). The order and the offer
    are locked, the order with its branch loaded (its penalties are in the branch's terms)."""
    if offer.pending_mark is not None:
        drop_pending(session, order, offer, by, why="replaced")
    before = _state(offer)
    wanted = _marked(offer, status, at, reason)
    if wanted == before:
        return False
    offer.attendance, offer.arrived_at, offer.left_at, offer.sent_home_reason = wanted
    offer.attendance_by = by.user_id
    if order.status in NOT_CLOSED and now >= order.starts_at:  # early arrivals: still filling
        order.status = OrderStatus.IN_PROGRESS
    session.flush()
    audit.log(
        session,
        by,
        "attendance.mark",
        "offer",
        [offer.id],
        order.branch_id,
        order_id=order.id,
        worker_id=offer.worker_id,
        before=_said(*before),
        after=_said(*wanted),
        **detail,
    )
    _settle_entries(
        session, order, offer, order.branch, by, now, standing=standing, entries=entries
    )
    return True


Marked = tuple[str | None, datetime | None, datetime | None, str | None]


def _state(offer: Offer) -> Marked:
    return (offer.attendance, offer.arrived_at, offer.left_at, offer.sent_home_reason)


def _marked(offer: Offer, status: str, at: datetime, reason: str | None = None) -> Marked:
    """(attendance, arrived_at, left_at, sent_home_reason) once this mark is set; sent home
    at `at` is left_at, as a left early's."""
    if status in (Attendance.ARRIVED, Attendance.RELEASED):
        return status, at, None, None
    if status == Attendance.LEFT_EARLY:
        return status, offer.arrived_at, at, None
    if status == Attendance.SENT_HOME:
        return status, offer.arrived_at, at, reason
    return status, None, None, None  # no_show


def _said(
    attendance: str | None, arrived: datetime | None, left: datetime | None, reason: str | None
) -> dict[str, str | None]:
    """A mark as the audit log keeps it (the reason only where there is one)."""
    said = {"attendance": attendance, "arrived_at": _iso(arrived), "left_at": _iso(left)}
    return said | ({"reason": reason} if reason else {})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def hold_pending(
    session: Session,
    order: Order,
    offer: Offer,
    *,
    status: str,
    at: datetime,
    by: Actor,
    now: datetime,
    window_s: int,
    reason: str | None = None,
) -> None:
    """A punishing mark waits out the undo window as pending: the attendance, the ledger and
    the worker stay as they are; a delayed job (and the sweep, should it be lost) applies it."""
    wanted = _marked(offer, status, at, reason)
    if wanted == _state(offer):
        if offer.pending_mark is not None:  # back to the mark that stands: nothing to wait for
            drop_pending(session, order, offer, by, why="replaced")
        return
    if offer.pending_mark is not None:
        assert offer.pending_at is not None  # a pending mark has its time (pending_whole)
        if _marked(offer, offer.pending_mark, offer.pending_at, offer.pending_reason) == wanted:
            return  # the same mark tapped again: its window runs on, not anew
        drop_pending(session, order, offer, by, why="replaced")
    offer.pending_mark, offer.pending_at, offer.pending_by = status, at, by.user_id
    offer.pending_reason = reason
    offer.pending_until = now + timedelta(seconds=window_s)
    session.flush()
    audit.log(
        session,
        by,
        "attendance.pending",
        "offer",
        [offer.id],
        order.branch_id,
        order_id=order.id,
        worker_id=offer.worker_id,
        mark=status,
        at=at.isoformat(),
        until=offer.pending_until.isoformat(),
        **({"reason": reason} if reason else {}),
    )
    delay_ms = window_s * 1000 + SETTLE_JOB_MARGIN_MS
    enqueue_after_commit(session, "dispatch.settle_mark", offer.id, delay_ms=delay_ms)


def drop_pending(session: Session, order: Order, offer: Offer, by: Actor, *, why: str) -> None:
    """Forget a pending mark: undone, replaced by another mark, or its order closed for it."""
    mark, until = offer.pending_mark, offer.pending_until
    offer.pending_mark = offer.pending_at = offer.pending_by = offer.pending_until = None
    offer.pending_reason = None
    session.flush()
    audit.log(
        session,
        by,
        "attendance.undo",
        "offer",
        [offer.id],
        order.branch_id,
        order_id=order.id,
        worker_id=offer.worker_id,
        mark=mark,
        until=_iso(until),
        why=why,
    )


def _author(session: Session, user_id: int | None) -> Actor:
    """Who made a pending mark: they answer for it when it is applied."""
    user = session.get(User, user_id) if user_id is not None else None
    return actor_of(user) if user is not None else SYSTEM


def apply_pending(
    session: Session,
    order: Order,
    offer: Offer,
    now: datetime,
    *,
    standing: bool = True,
    entries: ledger.OrderEntries | None = None,
) -> None:
    """Apply a pending mark now, as its author made it (the caller holds order and offer)."""
    status, at, until = offer.pending_mark, offer.pending_at, offer.pending_until
    reason = offer.pending_reason
    assert status is not None and at is not None  # the caller found it pending (pending_whole)
    by = _author(session, offer.pending_by)
    offer.pending_mark = offer.pending_at = offer.pending_by = offer.pending_until = None
    offer.pending_reason = None
    set_mark(
        session,
        order,
        offer,
        status=status,
        at=at,
        by=by,
        now=now,
        standing=standing,
        entries=entries,
        reason=reason,
        pending_until=_iso(until),
    )
