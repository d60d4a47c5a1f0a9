"""Hours as they were (issue 20): a break, overtime with the client's approver, an early end,
each record (and each correction after the close) a new version of the timesheet."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.deps import DB, STAFF, require
from api.schemas.common import IdPath
from api.schemas.hours import HoursIn, HoursVersionOut
from core.clock import now
from core.tenancy import Actor
from dispatch.shift import timesheets

router = APIRouter(prefix="/api/v1")


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
    hours_office_only for a foreman). Never an overwrite: GET lists every version."""
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
    actor: Actor = Depends(require(*STAFF)),
    session: Session = DB,
) -> list[HoursVersionOut]:
    """Every version of the order's hours, the oldest first (the timesheet reads the latest)."""
    versions = timesheets.hours_versions(session, order_id, actor=actor)
    return [HoursVersionOut.model_validate(v) for v in versions]
