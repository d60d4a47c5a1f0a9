"""The client's sign-off of a closed order's timesheet, line by line (a line: one worker).

A line is pending until the client approves it or disputes it with a reason. `approve`
approves every pending line and leaves the disputed ones held; an approved line is final (no
dispute after it). A dispute goes to the branch's queue (`open_disputes`) and holds the line
from the client's bill (timesheets.billable) until the office settles it with a note, and
the hours agreed when they change (the line then shows those hours everywhere, payouts too).

Who speaks for the client is decided in one place, `may_sign_off`: today the office, on the
client's word by phone. Every write locks the order first (the house order, core/db.py), so
an approve and a dispute of the same line are settled by the database, one after the other;
the (order, worker) key backs it up.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.db import flush_checked, locked
from core.errors import FieldRequired, InvalidInput, ReasonRequired, check_length
from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.client_models import TimesheetSignoff
from dispatch.enums import OFFICE, LineState
from dispatch.hours.service import check_not_invoiced
from dispatch.models import Order
from dispatch.orders.service import get_order
from dispatch.registry.client_side.tenancy import sees_client
from dispatch.shift.errors import (
    LineAlreadyApproved,
    LineAlreadyDisputed,
    LineAlreadySettled,
    LineNotDisputed,
    NotOnTimesheet,
    SettledHoursInvalid,
    SignOffForbidden,
    TimesheetNotClosed,
)
from dispatch.shift.timesheets import on_sheet, signoffs_of

MAX_REASON = 1_000
MAX_NOTE = 1_000
MAX_HOURS = Decimal("24")
DISPUTE_STATUSES = {"open": LineState.DISPUTED, "settled": LineState.SETTLED}
REFUSED_DISPUTE = {
    LineState.APPROVED: LineAlreadyApproved,
    LineState.DISPUTED: LineAlreadyDisputed,
    LineState.SETTLED: LineAlreadySettled,
}


def may_sign_off(actor: Actor, order: Order) -> bool:
    """Who may approve or dispute this order's timesheet, and review its workers as the
    client: the office (admin, manager, dispatcher of a branch that sees the order), saying
    what the client said, and the order's client's own users (and API keys)."""
    if actor.is_client:
        return sees_client(actor, order.client_id)
    return actor.role in OFFICE and actor.sees_branch(order.branch_id)


def may_settle(actor: Actor, order: Order) -> bool:
    """Settling a dispute is the office's, never the client's."""
    return actor.role in OFFICE and actor.sees_branch(order.branch_id)


def _closed_order(session: Session, order_id: int, actor: Actor) -> Order:
    """The order, locked (first, as every writer does), signable by the actor, closed."""
    order = get_order(session, order_id, actor=actor, lock=True)
    if not may_sign_off(actor, order):
        raise SignOffForbidden(f"{actor.name} may not sign off order {order.code} for its client")
    if order.closed_at is None:
        raise TimesheetNotClosed(f"order {order.code} is not closed: its hours may still change")
    return order


def _rows(session: Session, order_id: int) -> dict[int, TimesheetSignoff]:
    rows = session.scalars(
        locked(select(TimesheetSignoff).where(TimesheetSignoff.order_id == order_id))
    )
    return {row.worker_id: row for row in rows}


def approve(session: Session, order_id: int, *, actor: Actor, now: datetime) -> list[int]:
    """Approve every pending line; disputed lines stay held, approved and settled ones stay.
    Returns the workers whose lines this approved (none the second time)."""
    order = _closed_order(session, order_id, actor)
    rows = _rows(session, order.id)
    approved = [w for w in on_sheet(session, order) if w not in rows]
    for worker_id in approved:
        session.add(
            TimesheetSignoff(
                order_id=order.id,
                worker_id=worker_id,
                branch_id=order.branch_id,
                state=LineState.APPROVED,
                approved_by=actor.user_id,
                approved_at=now,
            )
        )
    session.flush()
    held = sorted(w for w, row in rows.items() if row.state == LineState.DISPUTED)
    audit.log(
        session,
        actor,
        "timesheet.approve",
        "order",
        [order.id],
        order.branch_id,
        workers=approved,
        held=held,
    )
    return approved


def dispute(
    session: Session, order_id: int, worker_id: int, *, actor: Actor, reason: str, now: datetime
) -> TimesheetSignoff:
    """Dispute one pending line with a reason: it goes to the branch's queue, held."""
    reason = check_length("reason", (reason or "").strip(), MAX_REASON)
    if not reason:
        raise ReasonRequired("reason", "a dispute says what is wrong with the line")
    order = _closed_order(session, order_id, actor)
    if worker_id not in on_sheet(session, order):
        raise NotOnTimesheet("timesheet line", worker_id)
    check_not_invoiced(session, order, worker_id)  # under the order's lock, as invoices take it
    row = _rows(session, order.id).get(worker_id)
    if row is not None:
        refusal = REFUSED_DISPUTE[LineState(row.state)]
        raise refusal(f"the line of worker {worker_id} on order {order.code} is {row.state}")
    row = TimesheetSignoff(
        order_id=order.id,
        worker_id=worker_id,
        branch_id=order.branch_id,
        state=LineState.DISPUTED,
        reason=reason,
        disputed_by=actor.user_id,
        disputed_at=now,
    )
    flush_checked(session, row, on_unique=LineAlreadyDisputed("the line was signed off"))
    audit.log(
        session,
        actor,
        "timesheet.dispute",
        "order",
        [order.id],
        order.branch_id,
        worker_id=worker_id,
        reason=reason,
    )
    return row


def check_hours(hours: Decimal | None) -> Decimal | None:
    if hours is None:
        return None
    if not hours.is_finite() or not 0 <= hours <= MAX_HOURS or hours != round(hours, 2):
        raise SettledHoursInvalid("hours", "0 to 24 hours, to the hundredth")
    return hours


def settle(
    session: Session,
    order_id: int,
    worker_id: int,
    *,
    actor: Actor,
    note: str,
    hours: Decimal | None = None,
    now: datetime,
) -> TimesheetSignoff:
    """Settle a disputed line with a note; `hours`, when given, are the hours agreed, which
    the line shows from now on. The line is billable again."""
    note = check_length("note", (note or "").strip(), MAX_NOTE)
    if not note:
        raise FieldRequired("note", "a settlement says what was agreed")
    hours = check_hours(hours)
    order = get_order(session, order_id, actor=actor, lock=True)
    if not may_settle(actor, order):
        raise SignOffForbidden(f"{actor.name} may not settle disputes of order {order.code}")
    row = _rows(session, order.id).get(worker_id)
    if row is None and worker_id not in on_sheet(session, order):
        raise NotOnTimesheet("timesheet line", worker_id)
    check_not_invoiced(session, order, worker_id)
    if row is not None and row.state == LineState.SETTLED:
        raise LineAlreadySettled(f"the line of worker {worker_id} is settled")
    if row is None or row.state != LineState.DISPUTED:
        raise LineNotDisputed(f"the line of worker {worker_id} on {order.code} is not disputed")
    row.state = LineState.SETTLED
    row.settle_note = note
    row.settled_hours = hours
    row.settled_by = actor.user_id
    row.settled_at = now
    session.flush()
    audit.log(
        session,
        actor,
        "timesheet.settle",
        "order",
        [order.id],
        order.branch_id,
        worker_id=worker_id,
        note=note,
        hours=str(hours) if hours is not None else None,
    )
    return row


@dataclass(frozen=True)
class Dispute:
    order_id: int
    code: str
    branch_id: int
    worker_id: int
    full_name: str | None  # as dispatch/access/privacy.py shows it
    state: str
    reason: str | None
    disputed_at: datetime | None
    settle_note: str | None
    settled_hours: Decimal | None
    settled_at: datetime | None


def disputes(
    session: Session,
    *,
    actor: Actor,
    status: str = "open",
    branch_id: int | None = None,
    order_id: int | None = None,
    limit: int = 200,
) -> list[Dispute]:
    """The branch's queue: open disputes (or settled ones), oldest first, of the branches the
    actor sees. The workers' names shown are an audited read."""
    if status not in DISPUTE_STATUSES:
        raise InvalidInput("status", "open or settled", location="query")
    query = (
        select(TimesheetSignoff, Order.code)
        .join(Order, Order.id == TimesheetSignoff.order_id)
        .where(TimesheetSignoff.state == DISPUTE_STATUSES[status])
        .order_by(TimesheetSignoff.disputed_at, TimesheetSignoff.order_id)
        .limit(limit)
    )
    query = query.where(actor.branch_filter(TimesheetSignoff.branch_id))
    if branch_id is not None:
        query = query.where(TimesheetSignoff.branch_id == branch_id)
    if order_id is not None:
        query = query.where(TimesheetSignoff.order_id == order_id)
    rows = session.execute(query).all()
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=[row.worker_id for row, _ in rows],
        via="disputes",
        branch_id=branch_id,
    )
    return [
        Dispute(
            order_id=row.order_id,
            code=code,
            branch_id=row.branch_id,
            worker_id=row.worker_id,
            full_name=shown[row.worker_id].name if row.worker_id in shown else None,
            state=row.state,
            reason=row.reason,
            disputed_at=row.disputed_at,
            settle_note=row.settle_note,
            settled_hours=row.settled_hours,
            settled_at=row.settled_at,
        )
        for row, code in rows
    ]


@dataclass(frozen=True)
class LineSignoff:
    order_id: int
    worker_id: int
    state: str
    reason: str | None = None
    disputed_at: datetime | None = None
    settle_note: str | None = None
    settled_hours: Decimal | None = None
    settled_at: datetime | None = None


def lines(session: Session, order_id: int, *, actor: Actor) -> list[LineSignoff | TimesheetSignoff]:
    """Each line's sign-off, in the sheet's order (a pending line has no row); no names, so
    no worker read."""
    order = get_order(session, order_id, actor=actor)
    rows = signoffs_of(session, [order.id])
    return [
        rows.get((order.id, w)) or LineSignoff(order.id, w, LineState.PENDING)
        for w in on_sheet(session, order)
    ]
