"""What the foreman's page shows: the shifts of today (and tomorrow), each booked worker as a
row with the marks valid from theirs, and the shift's counters."""

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.tenancy import Actor
from dispatch.access.privacy import ShownWorker, Sight, show_workers
from dispatch.enums import (
    ATTENDANCE,
    CAME,
    LEFT_BEFORE_END,
    SENT_HOME_REASONS,
    OfferStatus,
    OrderStatus,
)
from dispatch.models import Branch, Offer, Order, Site
from dispatch.orders import roster, shortage
from dispatch.shift import marks, onsite
from workers.models import Worker

MARKS = ATTENDANCE
WHY = SENT_HOME_REASONS  # the card's choice of why a worker is sent home


@dataclass(frozen=True)
class Row:
    """One booked worker as the foreman sees them."""

    order_id: int
    worker_id: int
    name: str | None
    phone: str | None  # as dispatch/access/privacy.py allows: masked for another branch's worker
    callable: bool  # the whole number is shown: the page offers to call it
    attendance: str | None
    arrived: str | None  # HH:MM, branch time
    left: str | None
    lateness: str | None  # early | on_time | late | no_show (arrivals only)
    minutes: int  # after the start; negative: before it
    checked_in: str | None
    checkin_m: int | None
    closed: bool
    error: str | None = None
    pending: str | None = None  # a punishing mark inside its undo window
    pending_until: str | None = None  # its deadline, ISO (the page counts down to it)
    pending_left_s: int = 0
    next_marks: tuple[str, ...] = ()  # the marks valid from the current one
    why: str | None = None  # sent home: the reason (pending or in force)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why a worker may be sent home: the card's choice."""
        return WHY

    @property
    def awaiting(self) -> bool:
        """Checked in by link, not yet marked by the foreman."""
        return self.checked_in is not None and self.attendance is None and self.pending is None


@dataclass(frozen=True)
class Shift:
    order: Order
    site: Site
    branch: Branch
    day: str  # today | tomorrow | under_way
    starts: str
    ends: str
    started: bool
    closed: bool
    rows: list[Row]
    short_by: int = 0  # dispatch/orders/shortage.py

    @property
    def counts(self) -> dict[str, int]:
        return tally([(row.attendance, row.pending) for row in self.rows])

    @property
    def crew(self) -> list[Row]:
        """Who "all arrived" would mark: unmarked, nothing pending."""
        return [row for row in self.rows if row.attendance is None and row.pending is None]


def tally(marked: list[tuple[str | None, str | None]]) -> dict[str, int]:
    """The counters of a shift from each booked worker's (attendance, pending mark)."""
    counted = Counter(attendance for attendance, _ in marked)
    return {
        "booked": len(marked),
        "came": sum(counted[mark] for mark in CAME),
        "unmarked": sum(1 for attendance, pending in marked if attendance is None and not pending),
        "pending": sum(1 for _, pending in marked if pending),
        **{mark: counted[mark] for mark in MARKS},
    }


def hhmm(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).strftime("%H:%M") if value else None


def row_of(
    order: Order,
    branch: Branch,
    offer: Offer,
    shown: ShownWorker,
    at: datetime,
    error: str | None = None,
) -> Row:
    zone = ZoneInfo(branch.timezone)
    lateness, minutes = roster.lateness(order, branch, offer)
    return Row(
        order_id=order.id,
        worker_id=shown.worker_id,
        name=shown.name,
        phone=shown.phone,
        callable=shown.sight is Sight.FULL,
        attendance=offer.attendance,
        arrived=hhmm(offer.arrived_at, zone),
        left=hhmm(offer.left_at, zone) if offer.attendance in LEFT_BEFORE_END else None,
        lateness=lateness,
        minutes=minutes,
        checked_in=hhmm(offer.checked_in_at, zone),
        checkin_m=None if offer.checkin_distance_m is None else round(offer.checkin_distance_m),
        closed=order.closed_at is not None or order.status == OrderStatus.CANCELLED,
        error=error,
        pending=offer.pending_mark,
        pending_until=offer.pending_until.isoformat() if offer.pending_until else None,
        pending_left_s=_left_s(offer.pending_until, at),
        next_marks=marks.next_marks(offer.attendance, started=at >= order.starts_at),
        why=offer.sent_home_reason or offer.pending_reason,
    )


def _left_s(until: datetime | None, at: datetime) -> int:
    return max(0, math.ceil((until - at).total_seconds())) if until else 0


def nobody_row(order: Order, worker_id: int, error: str | None) -> Row:
    """A row for a worker who is not on the roster: only the refusal to show."""
    return Row(
        order_id=order.id,
        worker_id=worker_id,
        name=None,
        phone=None,
        callable=False,
        attendance=None,
        arrived=None,
        left=None,
        lateness=None,
        minutes=0,
        checked_in=None,
        checkin_m=None,
        closed=order.closed_at is not None,
        error=error,
    )


def booked_of(session: Session, order_ids: list[int], worker_id: int | None = None):
    query = (
        select(Offer, Worker)
        .join(Worker, Worker.id == Offer.worker_id)
        .where(Offer.order_id.in_(order_ids), Offer.status == OfferStatus.BOOKED)
        .order_by(Worker.full_name, Worker.id)
    )
    if worker_id is not None:
        query = query.where(Offer.worker_id == worker_id)
    return session.execute(query).all()


def people_of(
    session: Session, actor: Actor, order_ids: list[int], booked: list
) -> dict[int, ShownWorker]:
    """Names and phones on the page, as dispatch/access/privacy.py allows; the read is audited."""
    return show_workers(
        session,
        actor=actor,
        worker_ids=[worker.id for _, worker in booked],
        via="foreman",
        order_ids=sorted(order_ids),
    )


def shift_of(
    session: Session,
    order: Order,
    actor: Actor,
    at: datetime,
    day: str,
    booked: list | None = None,
    people: dict[int, ShownWorker] | None = None,
) -> Shift:
    branch = session.get_one(Branch, order.branch_id)
    zone = ZoneInfo(branch.timezone)
    if booked is None:
        booked = booked_of(session, [order.id])
    if people is None:
        people = people_of(session, actor, [order.id], booked)
    rows = [row_of(order, branch, offer, people[w.id], at) for offer, w in booked]
    return Shift(
        order=order,
        site=session.get_one(Site, order.site_id),
        branch=branch,
        day=day,
        starts=order.starts_at.astimezone(zone).strftime("%d.%m %H:%M"),
        ends=order.ends_at.astimezone(zone).strftime("%d.%m %H:%M"),
        started=at >= order.starts_at,
        closed=order.closed_at is not None,
        rows=rows,
        short_by=shortage.shortage_of(
            order, booked=len(rows), max_radius_m=branch.max_radius_m, now=at
        ).by,
    )


def _day(order: Order, branch: Branch, at: datetime) -> str | None:
    """today / tomorrow in the branch's time, under_way for a shift running now."""
    zone = ZoneInfo(branch.timezone)
    today: date = at.astimezone(zone).date()
    starts_on = order.starts_at.astimezone(zone).date()
    if order.starts_at <= at and order.closed_at is None:
        return "under_way"  # until it is closed, whenever it ended
    closed_on = order.closed_at.astimezone(zone).date() if order.closed_at else None
    if today in (starts_on, closed_on):  # a night shift closed after midnight stays the day
        return "today"
    if starts_on == today + timedelta(days=1):
        return "tomorrow"
    return None


def _all(session: Session, model: type[Branch] | type[Site], ids: set[int]) -> list:
    return list(session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


def shifts_of(session: Session, actor: Actor, at: datetime) -> list[Shift]:
    """Every shift of the page, its workers shown (and audited) in one read."""
    orders = onsite.orders_on_site(session, actor=actor, now=at)
    # Held here: the session's identity map keeps only what is referenced, so without these
    # every order's session.get_one below would read its branch and site again.
    branches = {b.id: b for b in _all(session, Branch, {o.branch_id for o in orders})}
    sites = _all(session, Site, {o.site_id for o in orders})  # noqa: F841 (held, see above)
    days = []
    for order in orders:
        day = _day(order, branches[order.branch_id], at)
        if day is not None:
            days.append((order, day))
    order_ids = [order.id for order, _ in days]
    booked = booked_of(session, order_ids) if order_ids else []
    people = people_of(session, actor, order_ids, booked)
    by_order: dict[int, list] = {}
    for offer, worker in booked:
        by_order.setdefault(offer.order_id, []).append((offer, worker))
    shifts = [
        shift_of(session, order, actor, at, day, by_order.get(order.id, []), people)
        for order, day in days
    ]
    return sorted(shifts, key=lambda s: (s.order.starts_at, s.order.id))
