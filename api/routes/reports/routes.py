"""The network's reports (issue 21), read from the rollups: fill, attendance, money,
workers, calibration; managers and admins (their branches), owners (their organisation's)."""

from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from api.console.reports.answers import answer, count_read, table_of
from api.deps import DB, MANAGERS, REPORTS_DB, require
from api.exports import csv_for
from api.schemas.common import IdQuery
from core.clock import now
from core.tenancy import Actor

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

READERS = (*MANAGERS, "owner")


@router.get("/{name}")
def report(
    request: Request,
    name: str,
    from_: date | None = Query(None, alias="from"),
    to: date | None = None,
    branch_id: IdQuery = None,
    group_by: str = "branch",
    format: str | None = Query(None, pattern="^(json|csv)$"),
    actor: Actor = Depends(require(*READERS)),
    session: Session = DB,
    reader: Session = REPORTS_DB,
):
    count_read(request, actor, name)
    found = answer(
        reader,
        actor,
        name,
        primary=session,
        first=from_,
        last=to,
        group_by=group_by,
        branch_id=branch_id,
        today=now().date(),
    )
    if format == "csv":
        return csv_for(request, table_of(name, found), f"report-{name}.csv")
    return found
