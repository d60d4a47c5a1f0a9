"""The foreman's close: what the close will do, with the figures of each end the foreman may
choose (computed by the close itself, rolled back), then the close and the timesheet; the
crew's hours (break, overtime, early end: api/console/site/foreman_hours.py), each save a new
version of the timesheet, corrected after the close by the office with a reason."""

from typing import TypedDict
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console.i18n import translator
from api.console.site.foreman import ROLES, explain_own
from api.console.site.foreman_hours import changes_of, hours_context
from api.console.site.foreman_shifts import MARKS, hhmm, shift_of
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, Forbidden, InvalidInput
from core.tenancy import Actor
from dispatch.models import Order
from dispatch.orders.service import ORDER_BRANCH, get_order
from dispatch.shift import onsite, timesheets

router = APIRouter(prefix=PREFIX, include_in_schema=False)

# Refusals this page words its own way, by code; the rest in the console's common words.
CLOSE_WORDS = {"shift_not_started": "foreman_not_started"}


class _Choice(TypedDict):
    """An end the close may be given, with the sheet it would make."""

    end: str
    time: str | None
    sheet: timesheets.Timesheet


def _close_page(
    request: Request,
    session: Session,
    actor: Actor,
    order: Order,
    *,
    error: str | None = None,
    done: bool = False,
    status_code: int = 200,
    hours_saved: int = 0,
) -> Response:
    at = now()
    shift = shift_of(session, order, actor, at, "today")
    # Each end the foreman may choose, with the figures that close would give (same code).
    choices: list[_Choice] = []
    ends = onsite.ends_to_choose(order, at)
    sheets = (
        onsite.preview_closes(session, order.id, actor=actor, now=at, ends=ends) if ends else []
    )
    for end, sheet in zip(ends, sheets, strict=True):
        ended = onsite.end_of_work(order, end, at)
        choices.append(
            {"end": end, "time": hhmm(ended, ZoneInfo(shift.branch.timezone)), "sheet": sheet}
        )
    if choices:
        session.refresh(order)
        sheet = choices[-1]["sheet"]
    else:
        sheet = timesheets.timesheet(session, order.id, actor=actor)
    context = {
        "choices": choices,
        "shift": shift,
        "sheet": sheet,
        "unmarked": shift.crew,  # a pending mark is settled by the close, not made a no-show
        "marks": MARKS,
        "error": error,
        "done": done,
        "money": sheet.money,  # the amounts this reader may see (dispatch/access/prices.py)
        "hours": hours_context(session, order, actor, sheet),
        "hours_saved": hours_saved,
    }
    return render(request, "foreman_close.html", context, actor=actor, status_code=status_code)


@router.get("/foreman/orders/{order_id}/close")
def close_summary(
    request: Request,
    order_id: IdPath,
    saved: int = Query(0, ge=0, le=1_000_000),  # the version just saved, said on the page
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """What the close will do (or, once closed, the timesheet)."""
    limit_worker_reads(request, actor)  # the crew's names and the timesheet: a worker read
    order = get_order(session, order_id, actor=actor)
    return _close_page(request, session, actor, order, hours_saved=saved)


@router.post("/foreman/orders/{order_id}/close", dependencies=[Depends(csrf_checked)])
def close(
    request: Request,
    order_id: IdPath,
    end: str | None = Form(None),  # now | scheduled: asked when closing before the end
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    order = get_order(session, order_id, actor=actor)
    try:
        with session.begin_nested():
            onsite.close_shift(session, order.id, actor=actor, now=now(), end=end or None)
    except (Conflict, InvalidInput) as exc:
        session.refresh(order)
        message = explain_own(exc, translator(language(request)), CLOSE_WORDS)
        code = status_of(exc)
        return _close_page(request, session, actor, order, error=message, status_code=code)
    return _close_page(request, session, actor, order, done=True)


@router.post("/foreman/orders/{order_id}/hours", dependencies=[Depends(csrf_checked)])
def record_hours(
    request: Request,
    order_id: IdPath,
    break_min: str = Form("", max_length=6),
    overtime_until: str = Form("", max_length=5),  # HH:MM
    overtime_approved_by: str = Form("", max_length=120),
    ended_at: str = Form("", max_length=5),  # HH:MM
    reason: str = Form("", max_length=500),
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """The crew's hours as the form shows them: a new version of the timesheet."""
    order = get_order(session, order_id, actor=actor, options=ORDER_BRANCH)
    form = {
        "break_min": break_min,
        "overtime_until": overtime_until,
        "overtime_approved_by": overtime_approved_by,
        "ended_at": ended_at,
        "reason": reason,
    }
    try:
        with session.begin_nested():  # a refusal writes nothing
            changes = changes_of(order, ZoneInfo(order.branch.timezone), form)
            version = timesheets.record_hours(
                session, order.id, actor=actor, changes=changes, now=now()
            )
    except (Conflict, InvalidInput, Forbidden) as exc:
        session.refresh(order)
        message = explain_own(exc, translator(language(request)), CLOSE_WORDS)
        code = status_of(exc)
        return _close_page(request, session, actor, order, error=message, status_code=code)
    target = f"{PREFIX}/foreman/orders/{order.id}/close?saved={version.version}#hours"
    return RedirectResponse(target, status_code=303)
