"""A worker's own word by SMS on their profile (issue 19): the days they said they are free
or busy, today and the next 13 (workers/availability.py), and their pause, which the office
can clear (audited)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.console import i18n
from api.console.registry.words.availability import WORDS
from api.console.web import PREFIX, csrf_checked, staff
from api.deps import DB, OFFICE
from api.schemas.common import IdPath
from core.clock import now
from core.tenancy import Actor
from dispatch.models import Branch
from workers import availability
from workers import service as workers
from workers.errors import NotPaused
from workers.models import Worker

router = APIRouter(prefix=PREFIX, include_in_schema=False)
i18n.add(WORDS)


def availability_context(session: Session, worker: Worker, at: datetime) -> dict:
    """The profile's availability card: each of the next SHOWN_DAYS days (the worker's home
    branch's days) with what the worker said of it (True free, False busy, None nothing)."""
    zone = ZoneInfo(session.get_one(Branch, worker.branch_id).timezone)
    today = at.astimezone(zone).date()
    said = availability.said(session, worker.id, today)
    days: list[tuple[date, bool | None]] = [
        (day, said.get(day))
        for day in (today + timedelta(days=n) for n in range(availability.SHOWN_DAYS))
    ]
    paused = worker.paused_until is not None and worker.paused_until > at
    return {
        "said_days": days,
        "paused_until": worker.paused_until.astimezone(zone)
        if paused and worker.paused_until
        else None,
    }


@router.post("/workers/{worker_id}/pause/clear", dependencies=[Depends(csrf_checked)])
def clear_pause(
    request: Request,
    worker_id: IdPath,
    actor: Actor = Depends(staff(*OFFICE)),
    session: Session = DB,
) -> Response:
    """The office ends the worker's pause now: offers may come again."""
    worker = workers.find_worker(session, worker_id, actor=actor)  # 404 if not ours
    outcome = "cleared"
    try:
        with session.begin_nested():
            availability.clear_pause(session, worker, actor=actor, now=now())
    except NotPaused:
        outcome = "none"
    return RedirectResponse(
        f"{PREFIX}/workers/{worker.id}?pause={outcome}#availability", status_code=303
    )
