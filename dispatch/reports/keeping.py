"""Which branch-days the rollups must look at again, and the two ways of keeping them: the
job's incremental run (days touched since a watermark) and the full rebuild."""

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, CompoundSelect, DateTime, Select, func, or_, select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, sessionmaker

from core.audit import AuditEntry
from core.db import session_scope
from dispatch.client_models import TimesheetSignoff
from dispatch.hours.models import TimesheetVersion
from dispatch.models import Branch, Offer, Order
from dispatch.reports.models import (
    ReportBranchDay,
    ReportCalibration,
    ReportDay,
    ReportWatermark,
    ReportWorkerDay,
)
from dispatch.reports.rollup import recompute_day
from rating.models import PenaltyEvent

log = logging.getLogger("brigada.jobs")

WATERMARK = "rollups"
RECENT = timedelta(days=2)  # the first run (no watermark yet) looks at orders started since
# A transaction that began before a run and commits after it stamps its rows earlier than the
# watermark: look back this much further (reruns are idempotent).
OVERLAP = timedelta(minutes=5)

BranchDay = tuple[int, date]
Factory = sessionmaker[Session] | None  # None: the app's (tests pass their own)


def _local_day() -> ColumnElement[date]:
    return func.date(func.timezone(Branch.timezone, Order.starts_at))


def touched(session: Session, since: datetime | None, now: datetime) -> set[BranchDay]:
    """(branch, day) of the orders changed since `since`: the order, its offers, its ledger
    entries (recorded or reversed), its timesheet's versions or its client's sign-off; each
    source by its own write time and index, so an unchanged day is not looked at again. With
    no watermark yet (the first run), the orders started in the last RECENT."""
    changed: Select[int] | CompoundSelect[int]
    if since is None:
        changed = select(Order.id).where(Order.starts_at.between(now - RECENT, now))
    else:
        changed = union(
            select(Order.id).where(Order.updated_at > since),
            select(Offer.order_id).where(Offer.updated_at > since),
            # By when the entry was written, not when it happened (a no-show's is the shift's
            # start, long before a foreman's late mark); a reversal is an entry of its own on
            # the same order (rating/service.py reverse), so this finds reversals too.
            select(PenaltyEvent.order_id).where(PenaltyEvent.created_at > since),
            # hours recorded or corrected (a new version of the timesheet)
            select(TimesheetVersion.order_id).where(TimesheetVersion.created_at > since),
            select(TimesheetSignoff.order_id).where(
                or_(
                    TimesheetSignoff.approved_at > since,
                    TimesheetSignoff.disputed_at > since,
                    TimesheetSignoff.settled_at > since,
                )
            ),
        )
    ids = changed.subquery()
    rows = session.execute(
        select(Order.branch_id, _local_day())
        .join(Branch, Branch.id == Order.branch_id)
        .where(Order.id.in_(select(ids.c[0])))
        .distinct()
    )
    days = {(branch_id, day) for branch_id, day in rows}
    return days | (_moved_from(session, since) if since is not None else set())


def _moved_from(session: Session, since: datetime) -> set[BranchDay]:
    """The days orders were moved away from (order.change audit rows with the start before):
    their rollups still hold them until recomputed."""
    before = AuditEntry.detail["before"]["starts_at"].astext.cast(DateTime(timezone=True))
    rows = session.execute(
        select(AuditEntry.branch_id, func.date(func.timezone(Branch.timezone, before)))
        .join(Branch, Branch.id == AuditEntry.branch_id)
        .where(
            AuditEntry.action == "order.change",
            AuditEntry.at > since,
            AuditEntry.detail["before"].has_key("starts_at"),
        )
        .distinct()
    )
    return {(branch_id, day) for branch_id, day in rows}


def recompute(days: set[BranchDay], factory: Factory = None) -> int:
    """Each branch-day in a transaction of its own; a failure is logged and retried next run."""
    failed = 0
    for branch_id, day in sorted(days, key=lambda d: (d[1], d[0])):
        try:
            with session_scope(factory) as session:
                recompute_day(session, branch_id, day)
        except Exception:
            failed += 1
            log.exception("rolling up branch %s day %s failed", branch_id, day)
    return failed


def refresh(now: datetime, factory: Factory = None) -> int:
    """The job's run: the days touched since the watermark, then the watermark moves on (only
    when every day went through). Returns the days recomputed."""
    with session_scope(factory) as session:
        since = session.scalar(select(ReportWatermark.at).where(ReportWatermark.name == WATERMARK))
        days = touched(session, since - OVERLAP if since else None, now)
    if recompute(days, factory) == 0:
        with session_scope(factory) as session:
            stmt = pg_insert(ReportWatermark).values(name=WATERMARK, at=now)
            session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"at": now}))
    return len(days)


def all_days(session: Session, first: date | None, last: date | None) -> set[BranchDay]:
    """Every (branch, day) with an order, between first and last (branch time) if given."""
    day = _local_day()
    query = select(Order.branch_id, day).join(Branch, Branch.id == Order.branch_id).distinct()
    if first is not None:
        query = query.where(day >= first)
    if last is not None:
        query = query.where(day <= last)
    return {(branch_id, d) for branch_id, d in session.execute(query)}


def rebuild(first: date | None = None, last: date | None = None, factory: Factory = None) -> int:
    """The rollups rebuilt from the raw data (days with no orders left are emptied too)."""
    with session_scope(factory) as session:
        days = all_days(session, first, last)
        for model in (ReportDay, ReportBranchDay, ReportWorkerDay, ReportCalibration):
            stale = select(model.branch_id, model.day).distinct()
            if first is not None:
                stale = stale.where(model.day >= first)
            if last is not None:
                stale = stale.where(model.day <= last)
            days |= {(b, d) for b, d in session.execute(stale)}
    failed = recompute(days, factory)
    if failed:
        raise RuntimeError(f"{failed} branch-days failed to roll up (see the log)")
    return len(days)
