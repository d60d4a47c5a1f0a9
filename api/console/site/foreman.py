"""The foreman's page: today's roster on a phone, marks with big targets (what the page shows:
foreman_shifts.py; the close: foreman_close.py)."""

from dataclasses import replace
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Form, Header, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.site.foreman_shifts import (
    MARKS,
    booked_of,
    nobody_row,
    people_of,
    row_of,
    shift_of,
    shifts_of,
    tally,
)
from api.console.site.words.foreman import WORDS as FOREMAN_WORDS
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, STAFF, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, DomainError, InvalidInput
from core.ids import MAX_ID
from core.tenancy import Actor
from dispatch.models import Branch, Order
from dispatch.orders import roster
from dispatch.orders.service import get_order
from dispatch.shift import onsite

router = APIRouter(prefix=PREFIX, include_in_schema=False)

ROLES = STAFF  # a foreman sees only the orders assigned to them

i18n.add(FOREMAN_WORDS)


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
    shifts = shifts_of(session, actor, now())
    return render(request, "foreman.html", {"shifts": shifts, "marks": MARKS}, actor=actor)


# A phone's clock runs a little fast or slow. A tap up to this far "in the future" is a skewed
# clock, not a made-up time: it is kept as now rather than refused (refusing it would leave the
# foreman a conflict to resolve for a mark that is true). Further ahead is refused as before.
CLOCK_SKEW = timedelta(minutes=2)


def tapped_at(value: str, current: datetime) -> datetime:
    """The tapped time: with its offset (a time without one is ambiguous: refused), a small
    skew of the phone's clock taken as now."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("at", "is not a time (ISO 8601 with an offset)") from None
    if at.tzinfo is None:
        raise InvalidInput("at", "has no offset")
    if current < at <= current + CLOCK_SKEW:
        return current
    return at


@router.post("/foreman/orders/{order_id}/mark", dependencies=[Depends(csrf_checked)])
def mark(
    request: Request,
    order_id: IdPath,
    worker_id: int = Form(ge=1, le=MAX_ID),
    status: str = Form(max_length=20),
    checkin: bool = Form(default=False),
    reason: str = Form(default="", max_length=20),
    tapped: str | None = Header(None, alias="X-Tapped-At", max_length=40),
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """One mark; with `checkin`, the arrival at the time the worker checked in by link. A
    no-show, left-early or sent-home waits out the branch's undo window
    (dispatch/shift/onsite.py); sent home comes with the reason chosen on the card. A tap
    whose answer was lost comes again from the phone's queue (static/foreman_offline.js) with
    its key and `X-Tapped-At`: if the first never arrived, the mark keeps the tapped time."""

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
                at=tapped_at(tapped, at) if tapped else None,
                now=at,
                reason=reason or None,
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
        code = status_of(exc)
        session.refresh(order)
        error = explain_own(exc, t, MARK_WORDS)
    if request.headers.get("HX-Request") == "true":
        # htmx swaps 2xx answers only, so a refusal comes as 200 with its alert in the card
        return _row_answer(request, session, actor, order, worker_id, error, at)
    if error is None:
        return RedirectResponse(f"{PREFIX}/foreman#w-{order.id}-{worker_id}", status_code=303)
    shifts = shifts_of(session, actor, at)
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
    found = booked_of(session, [order.id], worker_id)
    if found:
        offer, worker = found[0]
        shown = people_of(session, actor, [order.id], found)[worker.id]
        row = row_of(order, session.get_one(Branch, order.branch_id), offer, shown, at, error)
    else:
        row = nobody_row(order, worker_id, error)
    counts = tally(roster.marks_of(session, order.id))  # no names: no worker read
    context = {"row": row, "marks": MARKS, "order": order, "counts": counts}
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
        code = status_of(exc)
        context = {"shifts": shifts_of(session, actor, at), "marks": MARKS, "error": error}
        return render(request, "foreman.html", context, actor=actor, status_code=code)
    return RedirectResponse(f"{PREFIX}/foreman#o-{order.id}", status_code=303)
