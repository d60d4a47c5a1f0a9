"""The foreman's close: what the close will do, with the figures of each end the foreman may
choose (computed by the close itself, rolled back), then the close and the timesheet."""

from typing import TypedDict
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.console.i18n import translator
from api.console.site.foreman import ROLES, explain_own
from api.console.site.foreman_shifts import MARKS, hhmm, shift_of
from api.console.web import PREFIX, csrf_checked, language, render, staff
from api.deps import DB, limit_worker_reads
from api.errors import status_of
from api.schemas.common import IdPath
from core.clock import now
from core.errors import Conflict, InvalidInput
from core.tenancy import Actor
from dispatch.models import Order
from dispatch.orders.service import get_order
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
    }
    return render(request, "foreman_close.html", context, actor=actor, status_code=status_code)


@router.get("/foreman/orders/{order_id}/close")
def close_summary(
    request: Request,
    order_id: IdPath,
    actor: Actor = Depends(staff(*ROLES)),
    session: Session = DB,
) -> Response:
    """What the close will do (or, once closed, the timesheet)."""
    limit_worker_reads(request, actor)  # the crew's names and the timesheet: a worker read
    order = get_order(session, order_id, actor=actor)
    return _close_page(request, session, actor, order)


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
