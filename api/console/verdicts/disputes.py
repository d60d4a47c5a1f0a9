"""The client's sign-off of a closed order's timesheet in the office's console: the order's
sign-off page (each line's state; approve the lines not disputed, or dispute one, on the
client's word) and the branch's queue of disputed lines, each settled with a note
(dispatch/shift/signoff.py decides and audits)."""

from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.errors import explain
from api.console.i18n import translator
from api.console.office.dispatcher import BOARD, OFFICE
from api.console.verdicts.signing import REFUSED, add_signoff_routes
from api.console.verdicts.words import SIGNOFF_WORDS
from api.console.web import PREFIX, csrf_checked, language, render
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.enums import CAME, LineState
from dispatch.models import Branch
from dispatch.orders.service import ORDER_BRANCH, get_order
from dispatch.shift import signoff, timesheets
from dispatch.shift.errors import SettledHoursInvalid
from rating.models import Review

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MAX_FORM_TEXT = 1_000

i18n.add(SIGNOFF_WORDS)


def _when(zone: str):
    tz = ZoneInfo(zone)
    return lambda at: at.astimezone(tz).strftime("%d.%m %H:%M") if at else ""


# -- an order's sign-off -------------------------------------------------------------------


def _order_page(
    request: Request,
    session: Session,
    actor: Actor,
    order_id: int,
    *,
    error: tuple[int | None, str] | None = None,  # (the line's worker, or None: the page's)
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)  # the crew's names: a worker read
    order = get_order(session, order_id, actor=actor, options=ORDER_BRANCH)
    sheet = timesheets.timesheet(session, order.id, actor=actor)
    signed = {
        line.worker_id: line
        for line in signoff.lines(session, order.id, actor=actor)
        if line.state != LineState.PENDING
    }
    by_client = session.scalars(
        select(Review).where(Review.order_id == order.id, Review.source == "client")
    )
    context = {
        "order": order,
        "sheet": sheet,
        "client_reviews": {review.worker_id: review for review in by_client},
        "came": CAME,
        "signoffs": signed,
        "may_sign_off": signoff.may_sign_off(actor, order),
        "error": error,
        "when": _when(order.branch.timezone),
    }
    return render(request, "signoff.html", context, actor=actor, status_code=status_code)


@router.get("/orders/{order_id}/timesheet")
def order_signoff(
    request: Request,
    order_id: IdPath,
    actor: Actor = BOARD,
    session: Session = DB,  # owner: read
) -> Response:
    return _order_page(request, session, actor, order_id)


def _back(order_id: int, worker_id: int | None) -> str:
    anchor = f"#line-{worker_id}" if worker_id else ""
    return f"{PREFIX}/orders/{order_id}/timesheet{anchor}"


# Approve, dispute a line, review a worker: the portal's forms, on the client's word.
add_signoff_routes(
    router,
    approve_path="/orders/{order_id}/timesheet/approve",
    line_path="/orders/{order_id}/timesheet/lines/{worker_id}",
    role=OFFICE,
    page=_order_page,
    back=_back,
)


# -- the branch's queue --------------------------------------------------------------------


def _queue(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: tuple[int, int, str] | None = None,  # (order, worker, the refusal in words)
    status_code: int = 200,
) -> Response:
    limit_worker_reads(request, actor)  # the workers' names: a worker read
    found = signoff.disputes(session, actor=actor)
    branch_ids = {d.branch_id for d in found}
    zones = dict(
        session.execute(select(Branch.id, Branch.timezone).where(Branch.id.in_(branch_ids))).all()
    )
    context = {
        "disputes": [(d, _when(zones[d.branch_id])(d.disputed_at)) for d in found],
        "error": error,
    }
    return render(request, "disputes.html", context, actor=actor, status_code=status_code)


@router.get("/disputes")
def disputes_page(
    request: Request,
    actor: Actor = BOARD,
    session: Session = DB,  # an owner: to read
) -> Response:
    return _queue(request, session, actor)


def _hours(raw: str) -> Decimal | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw[:10])
    except InvalidOperation:
        raise SettledHoursInvalid("hours", "not a number") from None


@router.post(
    "/orders/{order_id}/timesheet/lines/{worker_id}/settle", dependencies=[Depends(csrf_checked)]
)
def settle(
    request: Request,
    order_id: IdPath,
    worker_id: IdPath,
    note: str = Form(""),
    hours: str = Form(""),
    actor: Actor = Depends(OFFICE),
    session: Session = DB,
) -> Response:
    t = translator(language(request))
    try:
        signoff.settle(
            session,
            order_id,
            worker_id,
            actor=actor,
            note=note[:MAX_FORM_TEXT],
            hours=_hours(hours),
            now=now(),
        )
    except REFUSED as exc:
        session.rollback()
        error = (order_id, worker_id, explain(exc, t))
        return _queue(request, session, actor, error=error, status_code=status_of(exc))
    return RedirectResponse(f"{PREFIX}/disputes#settled", status_code=303)
