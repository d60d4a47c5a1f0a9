"""The foreman's page: today's roster on a phone, marks with big targets, and the close."""

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.console.words.foreman import WORDS as FOREMAN_WORDS
from api.deps import DB, limit_worker_reads
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, DomainError, InvalidInput
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch import marks, onsite, roster, shortage
from dispatch.models import Branch, Offer, Order, Site
from dispatch.orders import get_order
from dispatch.privacy import ShownWorker, Sight, show_workers
from workers.models import Worker

router = APIRouter(prefix=PREFIX, include_in_schema=False)

ROLES = ("foreman", "dispatcher", "manager", "admin")
MARKS = ("arrived", "left_early", "no_show", "released")

i18n.add(FOREMAN_WORDS)


@dataclass(frozen=True)
class Row:
    """One booked worker as the foreman sees them."""

    order_id: int
    worker_id: int
    name: str | None
    phone: str | None  # as dispatch/privacy.py allows: masked for another branch's worker
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
    short_by: int = 0  # dispatch/shortage.py

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
        "came": counted["arrived"] + counted["left_early"] + counted["released"],
        "unmarked": sum(1 for attendance, pending in marked if attendance is None and not pending),
        "pending": sum(1 for _, pending in marked if pending),
        **{mark: counted[mark] for mark in MARKS},
    }


def _tally_of(session: Session, order: Order) -> dict[str, int]:
    """The counters alone (no names: no worker read), for the answer to a tap."""
    rows = session.execute(
        select(Offer.attendance, Offer.pending_mark).where(
            Offer.order_id == order.id, Offer.status == "booked"
        )
    ).all()
    return tally([tuple(row) for row in rows])


def hhmm(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).strftime("%H:%M") if value else None


def _row(
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
        left=hhmm(offer.left_at, zone) if offer.attendance == "left_early" else None,
        lateness=lateness,
        minutes=minutes,
        checked_in=hhmm(offer.checked_in_at, zone),
        checkin_m=None if offer.checkin_distance_m is None else round(offer.checkin_distance_m),
        closed=order.closed_at is not None or order.status == "cancelled",
        error=error,
        pending=offer.pending_mark,
        pending_until=offer.pending_until.isoformat() if offer.pending_until else None,
        pending_left_s=_left_s(offer.pending_until, at),
        next_marks=marks.next_marks(offer.attendance, started=at >= order.starts_at),
    )


def _left_s(until: datetime | None, at: datetime) -> int:
    return max(0, math.ceil((until - at).total_seconds())) if until else 0


def _nobody(order: Order, worker_id: int, error: str | None) -> Row:
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


def _booked(session: Session, order_ids: list[int], worker_id: int | None = None):
    query = (
        select(Offer, Worker)
        .join(Worker, Worker.id == Offer.worker_id)
        .where(Offer.order_id.in_(order_ids), Offer.status == "booked")
        .order_by(Worker.full_name, Worker.id)
    )
    if worker_id is not None:
        query = query.where(Offer.worker_id == worker_id)
    return session.execute(query).all()


def _people(
    session: Session, actor: Actor, order_ids: list[int], booked: list
) -> dict[int, ShownWorker]:
    """Names and phones on the page, as dispatch/privacy.py allows; the read is audited."""
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
    branch = session.get(Branch, order.branch_id)
    zone = ZoneInfo(branch.timezone)
    if booked is None:
        booked = _booked(session, [order.id])
    if people is None:
        people = _people(session, actor, [order.id], booked)
    rows = [_row(order, branch, offer, people[w.id], at) for offer, w in booked]
    return Shift(
        order=order,
        site=session.get(Site, order.site_id),
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


def _shifts(session: Session, actor: Actor, at: datetime) -> list[Shift]:
    """Every shift of the page, its workers shown (and audited) in one read."""
    days = []
    for order in onsite.orders_on_site(session, actor=actor, now=at):
        day = _day(order, session.get(Branch, order.branch_id), at)
        if day is not None:
            days.append((order, day))
    order_ids = [order.id for order, _ in days]
    booked = _booked(session, order_ids) if order_ids else []
    people = _people(session, actor, order_ids, booked)
    by_order: dict[int, list] = {}
    for offer, worker in booked:
        by_order.setdefault(offer.order_id, []).append((offer, worker))
    shifts = [
        shift_of(session, order, actor, at, day, by_order.get(order.id, []), people)
        for order, day in days
    ]
    return sorted(shifts, key=lambda s: (s.order.starts_at, s.order.id))


# Refusals this page words its own way, by code; the rest in the console's common words.
MARK_WORDS = {"shift_not_started": "foreman_err_not_started"}


def explain_own(exc: DomainError, t, own: dict[str, str]) -> str:
    """The domain's refusal in the foreman's words, found by its code."""
    return t(own[exc.code]) if exc.code in own else explain(exc, t)


@router.get("/foreman")
def foreman_page(
    request: Request, actor: Actor = Depends(staff(*ROLES)), session: Session = DB
) -> Response:
    limit_worker_reads(request, actor)  # the crews' names and phones: a worker read
    shifts = _shifts(session, actor, now())
    return render(request, "foreman.html", {"shifts": shifts, "marks": MARKS}, actor=actor)


@router.post("/foreman/orders/{order_id}/mark", dependencies=[Depends(csrf_checked)])
def mark(
    request: Request,
    order_id: IdPath,
    worker_id: int = Form(ge=1, le=MAX_ID),
    status: str = Form(max_length=20),
    checkin: bool = Form(default=False),
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """One mark; with `checkin`, the arrival at the time the worker checked in by link. A
    no-show or left-early waits out the branch's undo window (dispatch/onsite.py)."""

    def act(order: Order, at: datetime) -> None:
        if checkin:
            onsite.confirm_check_in(session, order.id, actor=actor, worker_id=worker_id, now=at)
        else:
            onsite.mark_attendance(
                session,
                order.id,
                actor=actor,
                worker_id=worker_id,
                status=status,
                at=None,
                now=at,
            )

    return _tap(request, session, actor, order_id, worker_id, act)


@router.post("/foreman/orders/{order_id}/undo", dependencies=[Depends(csrf_checked)])
def undo(
    request: Request,
    order_id: IdPath,
    worker_id: int = Form(ge=1, le=MAX_ID),
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """Take back a mark inside its undo window: nothing was or will be texted for it."""

    def act(order: Order, at: datetime) -> None:
        onsite.undo_mark(session, order.id, actor=actor, worker_id=worker_id, now=at)

    return _tap(request, session, actor, order_id, worker_id, act)


@router.get("/foreman/orders/{order_id}/workers/{worker_id}")
def worker_row(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """One worker's card as it stands (the page asks once a pending mark's window is over)."""
    limit_worker_reads(request, actor)  # a name and a phone: a worker read
    order = get_order(session, order_id, actor=actor)  # another's order: 404
    return _row_answer(request, session, actor, order, worker_id, None, now())


def _tap(request: Request, session: Session, actor: Actor, order_id: int, worker_id: int, act):
    """Do one tap on a worker's card; answer htmx with the card and the shift's counters
    (swapped in out of band), a plain form with the page."""
    order = get_order(session, order_id, actor=actor)  # another's order: 404
    t = translator(language(request))
    at = now()
    error, code = None, 200
    try:
        with session.begin_nested():  # a refused tap writes nothing
            act(order, at)
    except (Conflict, InvalidInput) as exc:
        code = 422 if isinstance(exc, InvalidInput) else 409
        session.refresh(order)
        error = explain_own(exc, t, MARK_WORDS)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps 2xx answers only, so a refusal comes as 200 with its alert in the card
        return _row_answer(request, session, actor, order, worker_id, error, at)
    if error is None:
        return RedirectResponse(f"{PREFIX}/foreman#w-{order.id}-{worker_id}", status_code=303)
    shifts = _shifts(session, actor, at)
    placed = False
    for shift in shifts:
        for i, row in enumerate(shift.rows):
            if (row.order_id, row.worker_id) == (order.id, worker_id):
                shift.rows[i] = replace(row, error=error)
                placed = True
    context = {"shifts": shifts, "marks": MARKS, "error": None if placed else error}
    return render(request, "foreman.html", context, actor=actor, status_code=code)


def _row_answer(
    request: Request,
    session: Session,
    actor: Actor,
    order: Order,
    worker_id: int,
    error: str | None,
    at: datetime,
) -> Response:
    found = _booked(session, [order.id], worker_id)
    if found:
        offer, worker = found[0]
        shown = _people(session, actor, [order.id], found)[worker.id]
        row = _row(order, session.get(Branch, order.branch_id), offer, shown, at, error)
    else:
        row = _nobody(order, worker_id, error)
    context = {"row": row, "marks": MARKS, "order": order, "counts": _tally_of(session, order)}
    return render(request, "foreman_tap.html", context, actor=actor)


@router.get("/foreman/orders/{order_id}/arrive-all")
def arrive_all_check(
    request: Request,
    order_id: IdPath,
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """The list "all arrived" would mark, as it stands now, to confirm."""
    limit_worker_reads(request, actor)  # the crew's names: a worker read
    order = get_order(session, order_id, actor=actor)
    shift = shift_of(session, order, actor, now(), "today")
    crew = [] if shift.closed else shift.crew
    return render(request, "foreman_crew.html", {"shift": shift, "crew": crew}, actor=actor)


@router.post("/foreman/orders/{order_id}/arrive-all", dependencies=[Depends(csrf_checked)])
def arrive_all(
    request: Request,
    order_id: IdPath,
    worker_id: list[int] = Form(default=[]),  # the crew the foreman confirmed, as listed
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """A crew that came together, after the foreman confirmed the list: each of them still
    unmarked is marked arrived (anyone marked meanwhile keeps their mark)."""
    order = get_order(session, order_id, actor=actor)
    ids = [i for i in worker_id if 1 <= i <= MAX_ID][:500]
    at = now()
    try:
        with session.begin_nested():
            onsite.mark_all_arrived(session, order.id, actor=actor, worker_ids=ids, now=at)
    except (Conflict, InvalidInput) as exc:
        session.refresh(order)
        error = explain_own(exc, translator(language(request)), MARK_WORDS)
        code = 422 if isinstance(exc, InvalidInput) else 409
        context = {"shifts": _shifts(session, actor, at), "marks": MARKS, "error": error}
        return render(request, "foreman.html", context, actor=actor, status_code=code)
    return RedirectResponse(f"{PREFIX}/foreman#o-{order.id}", status_code=303)
