"""Recording hours and reading them: every record is a new version of the order's timesheet
(dispatch/hours/models.py), the latest one is the sheet, the older ones stay readable.

Before the close the foreman (or the office) records the break, overtime with the client's
approver, an early end; after it only the office corrects, and says why. The caller holds
the order row's lock (get_order(lock=True)): the lock order is the order, then the version.
"""

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import audit
from core.tenancy import Actor
from dispatch.client_models import InvoiceLine, TimesheetSignoff
from dispatch.enums import OFFICE, LineState
from dispatch.hours.errors import (
    AlreadyPaid,
    HoursOfficeOnly,
    LineInvoiced,
    LinesApproved,
    ReasonRequired,
)
from dispatch.hours.models import TimesheetVersion
from dispatch.hours.policy import NO_TERMS, Rules, Terms, check_terms
from dispatch.models import Branch, Order

# The inputs a record may change; one left out keeps the previous version's value.
TERM_FIELDS = ("break_min", "overtime_until", "overtime_approved_by", "ended_at")
MAX_REASON = 500


def terms_of(version: TimesheetVersion | None) -> Terms:
    if version is None:
        return NO_TERMS
    return Terms(
        break_min=version.break_min,
        overtime_until=version.overtime_until,
        overtime_approved_by=version.overtime_approved_by,
        overtime_approved_at=version.overtime_approved_at,
        ended_at=version.ended_at,
    )


def latest_versions(session: Session, order_ids: list[int]) -> dict[int, TimesheetVersion]:
    """Per order, its latest version (orders without one are left out)."""
    if not order_ids:
        return {}
    newest = (
        select(TimesheetVersion.order_id, func.max(TimesheetVersion.version).label("v"))
        .where(TimesheetVersion.order_id.in_(order_ids))
        .group_by(TimesheetVersion.order_id)
        .subquery()
    )
    rows = session.scalars(
        select(TimesheetVersion).join(
            newest,
            (newest.c.order_id == TimesheetVersion.order_id)
            & (newest.c.v == TimesheetVersion.version),
        )
    )
    return {row.order_id: row for row in rows}


def last_end(session: Session, order: Order) -> datetime:
    """The latest a worker may be marked leaving: the approved overtime's end, else the
    scheduled end (a worker staying on for approved overtime may still leave before it)."""
    version = latest_versions(session, [order.id]).get(order.id)
    overtime = terms_of(version).overtime_until
    return max(order.ends_at, overtime) if overtime is not None else order.ends_at


def hours_of_orders(session: Session, orders: list[Order]) -> dict[int, tuple[Terms, Rules]]:
    """Per order, the latest version's terms and its branch's rules: what its lines need."""
    if not orders:
        return {}
    versions = latest_versions(session, [o.id for o in orders])
    rules = {
        branch_id: Rules(rounding, paid, zone)
        for branch_id, rounding, paid, zone in session.execute(
            select(Branch.id, Branch.billing_rounding, Branch.break_paid, Branch.timezone).where(
                Branch.id.in_({o.branch_id for o in orders})
            )
        )
    }
    return {o.id: (terms_of(versions.get(o.id)), rules[o.branch_id]) for o in orders}


def versions_of(session: Session, order_id: int) -> list[TimesheetVersion]:
    """Every version of the order's hours, the oldest first."""
    return list(
        session.scalars(
            select(TimesheetVersion)
            .where(TimesheetVersion.order_id == order_id)
            .order_by(TimesheetVersion.version)
        )
    )


FINAL = (LineState.APPROVED, LineState.SETTLED)


def invoiced_workers(session: Session, order_id: int) -> set[int]:
    """The workers whose line of the order is on an invoice. The caller holds the order's
    lock, as create_invoice does before taking lines, so an invoice and a change of a line
    are settled one after the other."""
    return set(
        session.scalars(select(InvoiceLine.worker_id).where(InvoiceLine.order_id == order_id))
    )


def check_not_invoiced(session: Session, order: Order, worker_id: int | None = None) -> None:
    """Refuse (409 line_invoiced) when the worker's line (None: any line) is invoiced."""
    invoiced = invoiced_workers(session, order.id)
    if invoiced if worker_id is None else worker_id in invoiced:
        raise LineInvoiced(f"order {order.code}: the line is on an invoice and final")


def check_still_open(session: Session, order: Order) -> None:
    """A closed order's hours may still be corrected only while no line is final and its day
    is not paid: an approved or settled line is the client's word (dispatch/shift/signoff.py;
    every sign-off write locks the order first, as the caller did, so none slips in between),
    and pay up to the branch's paid_through is paid out. The branch row is read under a share
    lock so a paid_through being set waits for this correction, or this one sees it."""
    final = session.scalar(
        select(func.count())
        .select_from(TimesheetSignoff)
        .where(TimesheetSignoff.order_id == order.id, TimesheetSignoff.state.in_(FINAL))
    )
    check_not_invoiced(session, order)  # an undisputed line may be invoiced while pending
    if final:
        raise LinesApproved(
            f"order {order.code}: {final} line(s) approved or settled with the client are final"
        )
    paid_through, zone = session.execute(
        select(Branch.paid_through, Branch.timezone)
        .where(Branch.id == order.branch_id)
        .with_for_update(read=True)
    ).one()
    if paid_through is not None and local_day(order.starts_at, zone) <= paid_through:
        raise AlreadyPaid(f"order {order.code}: its day is paid through {paid_through.isoformat()}")


def local_day(at: datetime, zone: str) -> date:
    """The branch's local date of a moment (an order's day, as the payouts count it)."""
    return at.astimezone(ZoneInfo(zone)).date()


def add_version(
    session: Session, order: Order, *, actor: Actor, changes: dict[str, Any], now: datetime
) -> TimesheetVersion:
    """A new version: the latest one's terms with these changes (a key present with None
    clears that input). The order is locked by the caller."""
    after_close = order.closed_at is not None
    if after_close and actor.role not in OFFICE:
        raise HoursOfficeOnly("after the close only the office corrects the hours")
    reason = (changes.get("reason") or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise ReasonRequired("reason", f"at most {MAX_REASON} characters")
    if after_close and reason is None:
        raise ReasonRequired("reason", "a correction after the close says why")
    if after_close:
        check_still_open(session, order)
    current = latest_versions(session, [order.id]).get(order.id)
    was = terms_of(current)
    given = {name: changes[name] for name in TERM_FIELDS if name in changes}
    if "break_min" in given and given["break_min"] is None:
        given["break_min"] = 0  # null clears the break
    if "overtime_approved_by" in given and given["overtime_approved_by"] is not None:
        given["overtime_approved_by"] = given["overtime_approved_by"].strip() or None
    if given.get("overtime_until", was.overtime_until) is None:
        given.setdefault("overtime_approved_by", None)  # no overtime: no approver either
    terms = replace(was, **given)
    if terms.overtime_until is None:
        terms = replace(terms, overtime_approved_at=None)
    elif (terms.overtime_until, terms.overtime_approved_by) != (
        was.overtime_until,
        was.overtime_approved_by,
    ):
        terms = replace(terms, overtime_approved_at=now)  # the approval noted: when
    check_terms(terms, order.starts_at, order.ends_at)
    row = TimesheetVersion(
        order_id=order.id,
        version=(current.version if current else 0) + 1,
        break_min=terms.break_min,
        overtime_until=terms.overtime_until,
        overtime_approved_by=terms.overtime_approved_by,
        overtime_approved_at=terms.overtime_approved_at,
        ended_at=terms.ended_at,
        reason=reason,
        after_close=after_close,
        by_user_id=actor.user_id,
        by_name=actor.name[:200],
        by_role=actor.role,
        created_at=now,
    )
    session.add(row)
    session.flush()  # a second version of the same number fails here (unique per order)
    audit.log(
        session,
        actor,
        "order.hours",
        "order",
        [order.id],
        order.branch_id,
        version=row.version,
        after_close=after_close,
        reason=reason,
    )
    return row
