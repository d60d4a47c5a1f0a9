"""The days a worker says they are free or busy, and their own pause (both by SMS:
dispatch/replies/availability.py). The matcher reads them (dispatch/fill/eligibility.py): a
free day's work is offered first, a busy day's none, a paused worker none until the pause
ends. The latest word for a day wins: one row a (worker, day), upserted."""

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from core import audit
from core.tenancy import Actor
from workers.errors import NotPaused
from workers.models import Worker, WorkerAvailability

SHOWN_DAYS = 14  # the worker's page shows today and the next 13 days


def record(
    session: Session, worker_id: int, days: tuple[date, ...], *, free: bool, now: datetime
) -> None:
    """The worker said these days are free (or busy): each day's row says so now."""
    if not days:
        return
    rows = [{"worker_id": worker_id, "day": d, "free": free, "said_at": now} for d in days]
    upsert = insert(WorkerAvailability).values(rows)
    session.execute(
        upsert.on_conflict_do_update(
            constraint="uq_worker_availability_day",
            set_={"free": upsert.excluded.free, "said_at": upsert.excluded.said_at},
        )
    )


def said(session: Session, worker_id: int, first: date, days: int = SHOWN_DAYS) -> dict[date, bool]:
    """What the worker said of each day from `first` on (free True, busy False); days they
    said nothing of are absent."""
    rows = session.execute(
        select(WorkerAvailability.day, WorkerAvailability.free).where(
            WorkerAvailability.worker_id == worker_id,
            WorkerAvailability.day >= first,
            WorkerAvailability.day < first + timedelta(days=days),
        )
    )
    return {day: free for day, free in rows}


def pause(session: Session, worker: Worker, until: datetime | None) -> None:
    """The worker's own pause to `until` (None: ended now). The caller holds no other lock
    than the worker's, taken here."""
    session.refresh(worker, with_for_update={"key_share": True})
    worker.paused_until = until
    session.flush()


def clear_pause(session: Session, worker: Worker, *, actor: Actor, now: datetime) -> None:
    """The office ends a worker's pause early (audited); NotPaused if there is none."""
    session.refresh(worker, with_for_update={"key_share": True})
    if worker.paused_until is None or worker.paused_until <= now:
        raise NotPaused(worker.id)
    was = worker.paused_until
    worker.paused_until = None
    session.flush()
    audit.log(
        session,
        actor,
        "worker.pause_cleared",
        "worker",
        [worker.id],
        worker.branch_id,
        was_until=was.isoformat(),
    )
