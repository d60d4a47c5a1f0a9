"""On site: the foreman's marks, the no-show sweep and closing a shift.

A mark decides the automatic penalties of that worker on that order (late, no-show, left
early); a corrected mark reverses what no longer applies and adds what now does, so the
ledger always matches the final marks. Locks: order, then offer, then ledger entry, then
worker (as everywhere in dispatch).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from core import audit
from core.db import locked
from core.tenancy import SYSTEM, Actor
from dispatch import record, timesheets
from dispatch.enums import NOT_CLOSED
from dispatch.errors import (
    ArrivalAfterEnd,
    ArrivalTooEarly,
    AttendanceFinal,
    EndNotChosen,
    LeftBeforeArrival,
    MarkInFuture,
    NoArrival,
    NotBooked,
    NotCheckedIn,
    OrderCancelled,
    ShiftNotStarted,
    UnknownEnd,
    UnknownMark,
)
from dispatch.models import ATTENDANCE, Branch, Offer, Order
from dispatch.orders import get_order, visible_orders
from rating import policy
from rating import service as ledger

EARLIEST_ARRIVAL = timedelta(hours=3)  # an arrival marked earlier than this is a slip
# What marks produce on their own (compensation: a released extra's show-up pay).
MARKED_KINDS = ("late", "no_show", "left_early", "compensation")
SWEEP_LOOKBACK = timedelta(days=7)  # older unmarked bookings are left to the close


def _check_open(order: Order) -> None:
    if order.status == "cancelled":
        raise OrderCancelled(f"order {order.code} is cancelled")
    if order.closed_at is not None:
        raise AttendanceFinal(f"order {order.code} is closed: its attendance is final")


def _booked_offer(session: Session, order: Order, worker_id: int) -> Offer:
    offer = session.scalars(
        locked(select(Offer).where(Offer.order_id == order.id, Offer.worker_id == worker_id))
    ).one_or_none()
    if offer is None or offer.status != "booked":
        raise NotBooked(f"worker {worker_id} is not booked on order {order.code}")
    return offer


def _check_time(order: Order, offer: Offer, status: str, at: datetime, now: datetime) -> None:
    if at > now:
        raise MarkInFuture("at", "is in the future")
    if status == "no_show":
        if now < order.starts_at:
            raise ShiftNotStarted(f"order {order.code} has not started: nobody is a no-show yet")
        return
    if at < order.starts_at - EARLIEST_ARRIVAL:
        raise ArrivalTooEarly("at", f"is more than {EARLIEST_ARRIVAL} before the start")
    if at > order.ends_at:
        raise ArrivalAfterEnd("at", "is after the end of the shift")
    if status == "left_early":
        if offer.arrived_at is None:
            raise NoArrival(f"worker {offer.worker_id} has no arrival to leave from: mark it first")
        if at < offer.arrived_at:
            raise LeftBeforeArrival("at", "is before the worker's arrival")


@dataclass(frozen=True)
class Due:
    """An automatic ledger entry the marks call for."""

    kind: str
    points: int
    fine: Decimal
    payout: Decimal
    reason: str

    @property
    def key(self) -> tuple:
        return (self.kind, self.points, policy.money(self.fine), policy.money(self.payout))


def _entries_due(order: Order, offer: Offer, branch: Branch) -> list[Due]:
    zero = Decimal("0")
    if offer.attendance == "no_show":
        return [Due("no_show", policy.NO_SHOW_POINTS, branch.no_show_fine, zero, "did not come")]
    if offer.attendance == "released":  # came but not needed: show-up pay, no penalty
        return [Due("compensation", 0, zero, branch.show_up_pay, "released on site")]
    if offer.attendance not in ("arrived", "left_early"):
        return []
    due = []
    lateness = policy.judge_arrival(
        offer.arrived_at,
        order.starts_at,
        grace_min=branch.late_grace_min,
        as_no_show_min=branch.late_as_no_show_min,
        late_fine_per_min=branch.late_fine_per_min,
    )
    came = f"arrived {lateness.minutes_late} min after the start"
    if lateness.kind == "late":
        due.append(Due("late", lateness.points, lateness.fine, zero, came))
    elif lateness.kind == "no_show":
        more = f"{came}, more than {branch.late_as_no_show_min} min: counts as a no-show"
        due.append(Due("no_show", policy.NO_SHOW_POINTS, branch.no_show_fine, zero, more))
    if offer.attendance == "left_early":
        left = f"left {int((order.ends_at - offer.left_at).total_seconds() // 60)} min early"
        due.append(Due("left_early", policy.LEFT_EARLY_POINTS, zero, zero, left))
    return due


def _key(event) -> tuple:
    return (event.kind, event.points, event.fine, event.payout)


def _settle_entries(
    session: Session, order: Order, offer: Offer, branch: Branch, by: Actor, now: datetime
) -> None:
    """Make the worker's automatic entries on this order match the marks."""
    due = {d.key: d for d in _entries_due(order, offer, branch)}
    for waived in ledger.waived_events(session, offer.worker_id, order.id):
        due.pop(_key(waived), None)  # a dispatcher's word stands
    for event in ledger.active_events(session, offer.worker_id, order.id):
        if event.kind not in MARKED_KINDS:
            continue
        if _key(event) in due:
            del due[_key(event)]  # still right: kept as it is
            continue
        event = ledger.get_event(session, event.id, lock=True)
        # The correction's author answers for it in the ledger and the audit log.
        record.withdraw(
            session, event, order, reason="attendance corrected", now=now, actor=by, by_rule=True
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
    record.refresh_worker(session, offer.worker_id, now)


def _apply(
    session: Session,
    order: Order,
    offer: Offer,
    *,
    status: str,
    at: datetime,
    by: Actor,
    now: datetime,
) -> bool:
    """Set one mark; False when it was already exactly so."""
    before = (offer.attendance, offer.arrived_at, offer.left_at)
    if status in ("arrived", "released"):
        offer.arrived_at, offer.left_at = at, None
    elif status == "left_early":
        offer.left_at = at
    else:  # no_show
        offer.arrived_at = offer.left_at = None
    offer.attendance = status
    if (offer.attendance, offer.arrived_at, offer.left_at) == before:
        return False
    offer.attendance_by = by.user_id
    if order.status in NOT_CLOSED and now >= order.starts_at:  # early arrivals: still filling
        order.status = "in_progress"
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
        before={"attendance": before[0], "arrived_at": _iso(before[1]), "left_at": _iso(before[2])},
        after={
            "attendance": status,
            "arrived_at": _iso(offer.arrived_at),
            "left_at": _iso(offer.left_at),
        },
    )
    _settle_entries(session, order, offer, session.get(Branch, order.branch_id), by, now)
    return True


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def mark_attendance(
    session: Session,
    order_id: int,
    *,
    actor: Actor,
    worker_id: int,
    status: str,
    at: datetime | None,
    now: datetime,
) -> Offer:
    """The foreman's mark for one booked worker; corrections allowed until the close."""
    if status not in ATTENDANCE:
        raise UnknownMark("status", f"must be one of {', '.join(ATTENDANCE)}")
    at = at or now
    order = get_order(session, order_id, actor=actor, lock=True)
    _check_open(order)
    offer = _booked_offer(session, order, worker_id)
    _check_time(order, offer, status, at, now)
    _apply(session, order, offer, status=status, at=at, by=actor, now=now)
    return offer


def _unmarked(session: Session, order: Order, *, checked_in_too: bool = True) -> list[Offer]:
    """Booked and unmarked; the sweep leaves out those who checked in by link (on site,
    awaiting the foreman), the close does not (the foreman saw them in the summary)."""
    waiting = [] if checked_in_too else [Offer.checked_in_at.is_(None)]
    return list(
        session.scalars(
            locked(
                select(Offer)
                .where(
                    Offer.order_id == order.id,
                    Offer.status == "booked",
                    Offer.attendance.is_(None),
                    *waiting,
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
        Offer.status == "booked",
        Offer.attendance.is_(None),
        Offer.checked_in_at.is_(None),
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
    order = session.scalars(locked(select(Order).where(Order.id == order_id))).one_or_none()
    if order is None or order.status not in NOT_CLOSED or order.closed_at is not None:
        return 0
    branch = session.get(Branch, order.branch_id)
    if now <= order.starts_at + timedelta(minutes=branch.late_as_no_show_min):
        return 0
    offers = _unmarked(session, order, checked_in_too=False)
    for offer in offers:
        _apply(session, order, offer, status="no_show", at=now, by=SYSTEM, now=now)
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


def close_shift(
    session: Session, order_id: int, *, actor: Actor, now: datetime, end: str | None = "now"
) -> Order:
    """End the shift: unmarked booked workers become no-shows; marks are final from here;
    hours run to the chosen end of work (end_of_work)."""
    order = get_order(session, order_id, actor=actor, lock=True)
    _check_open(order)
    if now < order.starts_at:
        raise ShiftNotStarted(f"order {order.code} has not started yet")
    ended = end_of_work(order, end, now)
    for offer in _unmarked(session, order):
        _apply(session, order, offer, status="no_show", at=now, by=actor, now=now)
    order.closed_at, order.status, order.next_wave_at = now, "completed", None
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
    return order


def preview_close(
    session: Session, order_id: int, *, actor: Actor, now: datetime, end: str | None
) -> timesheets.Timesheet:
    """The timesheet close_shift would produce with this end, writing nothing: the close itself
    runs in a savepoint that is rolled back (its row locks and queued jobs go with it), so the
    preview and the close cannot disagree."""
    savepoint = session.begin_nested()
    try:
        close_shift(session, order_id, actor=actor, now=now, end=end)
        sheet = timesheets.timesheet(session, order_id, actor=actor)
    finally:
        savepoint.rollback()  # the read's audit entry went with it: record it again
    timesheets.audit_read(session, actor, sheet, session.get(Order, order_id).branch_id)
    return sheet


def confirm_check_in(
    session: Session, order_id: int, *, actor: Actor, worker_id: int, now: datetime
) -> Offer:
    """The foreman confirms a worker's link check-in: arrived at the time of the check-in."""
    order = get_order(session, order_id, actor=actor, lock=True)
    _check_open(order)
    offer = _booked_offer(session, order, worker_id)
    if offer.checked_in_at is None:
        raise NotCheckedIn(f"worker {worker_id} has not checked in by link")
    at = offer.checked_in_at
    _check_time(order, offer, "arrived", at, now)
    _apply(session, order, offer, status="arrived", at=at, by=actor, now=now)
    return offer


def orders_on_site(session: Session, *, actor: Actor, now: datetime) -> list[Order]:
    """What a foreman works with: the actor's orders starting within the next three days
    (the page keeps today's and tomorrow's in branch time) and every shift that began within
    the sweep's lookback (a week), so a night shift stays until it is closed; no cancelled."""
    query = visible_orders(select(Order), actor).where(
        Order.status != "cancelled",
        Order.starts_at >= now - SWEEP_LOOKBACK,
        Order.starts_at < now + timedelta(days=3),
    )
    return list(session.scalars(query.order_by(Order.starts_at, Order.id)))
