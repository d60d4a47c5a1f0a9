"""On site and after: the foreman's marks, closing a shift, timesheets, reviews, a branch's
payouts."""

from datetime import UTC, date
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from api.deps import (
    DB,
    OFFICE,
    OFFICE_READERS,
    ORDER_READERS,
    SHEET_READERS,
    STAFF,
    STAFF_READERS,
    require,
    worker_reader,
)
from api.exports import csv_for
from api.schemas.common import IdPath
from api.schemas.orders import RosterLine
from api.schemas.shift import (
    AttendanceIn,
    CheckinCodeOut,
    CloseIn,
    HoursIn,
    HoursVersionOut,
    PaidThroughIn,
    PaidThroughOut,
    ReviewIn,
    ReviewOut,
    TimesheetOut,
    UndoIn,
)
from core.clock import now
from core.dates import parse_date
from core.tenancy import Actor
from dispatch.models import Branch
from dispatch.orders.service import get_order
from dispatch.penalties import pay
from dispatch.shift import codes, onsite, reviews, timesheets

router = APIRouter(prefix="/api/v1")

CSV_ANSWER: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {}},
        "description": "JSON, or CSV with format=csv (in the language of ?lang= or "
        "Accept-Language; English by default)",
    }
}


@router.get("/orders/{order_id}/checkin-code", response_model=CheckinCodeOut, tags=["on site"])
def checkin_code(
    order_id: IdPath, actor: Actor = Depends(require(*STAFF)), session: Session = DB
) -> CheckinCodeOut:
    """The code the foreman shows for workers to text as ПРИШЕЛ <code> (the order's foreman
    and the branch's office; another's order: 404). 409 checkin_refused outside the check-in
    window: 3 h before the start until the end, while the order is open."""
    code = codes.current(session, get_order(session, order_id, actor=actor), now())
    return CheckinCodeOut(code=code.code, valid_until=code.valid_until)


@router.post("/orders/{order_id}/attendance", response_model=RosterLine, tags=["on site"])
def mark_attendance(
    order_id: IdPath,
    body: AttendanceIn,
    actor: Actor = Depends(require(*STAFF)),
    session: Session = DB,
) -> RosterLine:
    offer = onsite.mark_attendance(
        session,
        order_id,
        actor=actor,
        worker_id=body.worker_id,
        status=body.status,
        at=body.at,
        now=now(),
        reason=body.reason,
    )
    return RosterLine.of(offer)


@router.post("/orders/{order_id}/attendance/undo", response_model=RosterLine, tags=["on site"])
def undo_attendance(
    order_id: IdPath,
    body: UndoIn,
    actor: Actor = Depends(require(*STAFF)),
    session: Session = DB,
) -> RosterLine:
    """Take back a no-show or left-early mark inside the branch's undo window (409 after it,
    or with no such mark): nothing was texted, fined or suspended for it."""
    offer = onsite.undo_mark(session, order_id, actor=actor, worker_id=body.worker_id, now=now())
    return RosterLine.of(offer)


@router.post(
    "/orders/{order_id}/close",
    response_model=TimesheetOut,
    response_model_exclude_unset=True,  # the amounts a foreman may not see
    tags=["on site"],
)
def close_shift(
    order_id: IdPath,
    body: CloseIn | None = None,
    actor: Actor = Depends(require(*STAFF)),
    session: Session = DB,
) -> TimesheetOut:
    """Close the shift. `end` says when work ended for everyone: "now" (the default, also
    without a body: hours are cut at the moment of closing) or "scheduled" (the order's end)."""
    end = body.end if body else "now"
    order = onsite.close_shift(session, order_id, actor=actor, now=now(), end=end)
    return TimesheetOut.of(timesheets.timesheet(session, order.id, actor=actor))


@router.post(
    "/orders/{order_id}/hours", status_code=201, response_model=HoursVersionOut, tags=["on site"]
)
def record_hours(
    order_id: IdPath,
    body: HoursIn,
    actor: Actor = Depends(require(*STAFF)),
    session: Session = DB,
) -> HoursVersionOut:
    """A new version of the order's timesheet: the latest one's inputs with those sent (a
    field left out keeps its value, null clears it). Before the close the foreman or the
    office; after it only the office, with a `reason` (422 naming `reason` without one, 403
    hours_office_only for a foreman; 409 hours_lines_approved once the client approved a line,
    409 hours_already_paid for a day the branch has paid through). Never an overwrite: GET
    lists every version."""
    version = timesheets.record_hours(
        session,
        order_id,
        actor=actor,
        changes=body.model_dump(exclude_unset=True),
        now=now(),
    )
    return HoursVersionOut.model_validate(version)


@router.get("/orders/{order_id}/hours", response_model=list[HoursVersionOut], tags=["on site"])
def hours_versions(
    order_id: IdPath,
    actor: Actor = Depends(require(*STAFF_READERS)),
    session: Session = DB,
) -> list[HoursVersionOut]:
    """Every version of the order's hours, the oldest first (the timesheet reads the latest)."""
    versions = timesheets.hours_versions(session, order_id, actor=actor)
    return [HoursVersionOut.model_validate(v) for v in versions]


@router.get(
    "/orders/{order_id}/timesheet",
    response_model=TimesheetOut,
    response_model_exclude_unset=True,  # the amounts a foreman may not see
    responses=CSV_ANSWER,
    tags=["on site"],
)
def timesheet(
    request: Request,
    order_id: IdPath,
    format: Literal["json", "csv"] = "json",
    actor: Actor = Depends(worker_reader(*SHEET_READERS)),  # workers' names: a worker read
    session: Session = DB,
):
    sheet = timesheets.timesheet(session, order_id, actor=actor)
    if format == "csv":
        name = f"timesheet-{sheet.code}-{sheet.order_id}.csv"
        return csv_for(request, timesheets.timesheet_table(sheet), name)
    return TimesheetOut.of(sheet)


@router.post(
    "/orders/{order_id}/reviews", status_code=201, response_model=ReviewOut, tags=["on site"]
)
def review_worker(
    order_id: IdPath,
    body: ReviewIn,
    actor: Actor = Depends(require(*ORDER_READERS)),
    session: Session = DB,
) -> ReviewOut:
    """A worker who came, rated 1 to 5 stars, or a complaint (a penalty: its reason and a
    comment). The foreman's review, or the client's: told to the office, or sent by a client
    user or key, whose review is always the client's (`source` "client"). Both count alike."""
    review = reviews.review_worker(
        session,
        order_id,
        actor=actor,
        worker_id=body.worker_id,
        stars=body.stars,
        complaint=body.complaint,
        comment=body.comment,
        now=now(),
        complaint_reason=body.complaint_reason,
        source=body.source,
    )
    return ReviewOut.of(review)


@router.get(
    "/branches/{branch_id}/payouts",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "one row per worker"}},
    tags=["branches"],
)
def payouts(
    request: Request,
    branch_id: IdPath,
    day_from: str = Query(alias="from", description="2026-12-01 or 01.12.2026"),
    day_to: str = Query(alias="to", description="2026-12-31 or 31.12.2026"),
    actor: Actor = Depends(worker_reader(*OFFICE_READERS)),  # workers' names: a worker read
    session: Session = DB,
) -> Response:
    date_from = parse_date(day_from, "from", location="query")
    date_to = parse_date(day_to, "to", location="query")
    currency, rows = timesheets.payouts(
        session, branch_id, actor=actor, date_from=date_from, date_to=date_to
    )
    name = f"payouts-{branch_id}-{date_from}-{date_to}.csv"
    return csv_for(request, timesheets.payouts_table(currency, rows), name)


@router.put("/branches/{branch_id}/paid-through", response_model=PaidThroughOut, tags=["branches"])
def set_paid_through(
    branch_id: IdPath,
    body: PaidThroughIn,
    actor: Actor = Depends(require(*OFFICE)),
    session: Session = DB,
) -> PaidThroughOut:
    """The branch's workers are paid up to and including this local date (issue 19): a
    worker's PAY text counts the shifts after it. Never backwards (422
    paid_through_backwards), never after today; audited."""
    today = _branch_today(session, branch_id)
    branch = pay.set_paid_through(
        session, branch_id, actor=actor, through=body.through, today=today
    )
    return PaidThroughOut(branch_id=branch.id, paid_through=branch.paid_through)


def _branch_today(session: Session, branch_id: int) -> date:
    """Today in the branch's zone (any day for a branch the caller cannot see: refused later)."""
    branch = session.get(Branch, branch_id)
    zone = ZoneInfo(branch.timezone) if branch is not None else UTC
    return now().astimezone(zone).date()
