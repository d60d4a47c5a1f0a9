"""Which timesheet lines of a client's period may be invoiced, and why the others may not.

A line is invoiced when the client approved it, or it was settled after a dispute, or it is
still pending but its order closed more than the branch's invoice_after_days ago (undisputed
after N days). A disputed line stays out, as does one on an invoice already. The period is of
the shifts' dates in the branch's timezone; only closed orders have lines to bill."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import locked
from dispatch.billing.models import InvoiceLine
from dispatch.hours.policy import DISPUTED as DISPUTED
from dispatch.hours.policy import TOO_RECENT as TOO_RECENT
from dispatch.hours.policy import bill_hold
from dispatch.models import Branch, Client, Order, Site
from dispatch.penalties.pay import Line, lines_of

# Why a line is left out (the console's preview says it in words); the first two are the
# timesheet's own rule (dispatch/hours/policy.py bill_hold).
INVOICED = "invoiced"
NOTHING_BILLED = "nothing_billed"
LEFT_OUT = (DISPUTED, TOO_RECENT, INVOICED, NOTHING_BILLED)


@dataclass(frozen=True)
class Candidate:
    order: Order
    site: str
    line: Line
    day: date  # the shift's date in the branch's timezone
    left_out: str | None  # None: invoiced; else the reason (LEFT_OUT)

    @property
    def amount(self) -> Decimal:
        return self.line.client_amount or Decimal("0.00")


def local_bounds(zone: str, first: date, last: date) -> tuple[datetime, datetime]:
    """The instants from `first`'s midnight to the midnight after `last`, in the zone."""
    tz = ZoneInfo(zone)
    return (
        datetime.combine(first, time(), tz),
        datetime.combine(last + timedelta(days=1), time(), tz),
    )


def why_left_out(
    line: Line, order: Order, *, after_days: int, now: datetime, invoiced: bool
) -> str | None:
    if invoiced:
        return INVOICED
    held = bill_hold(line.state, order.closed_at, after_days, now)
    if held is not None:
        return held
    if not line.client_amount:
        return NOTHING_BILLED  # no hours worked: nothing to bill
    return None


def _of_period(branch: Branch, client: Client, start: datetime, end: datetime) -> tuple[Any, ...]:
    return (
        Order.client_id == client.id,
        Order.branch_id == branch.id,
        Order.closed_at.is_not(None),
        Order.starts_at >= start,
        Order.starts_at < end,
    )


def candidates(
    session: Session,
    branch: Branch,
    client: Client,
    first: date,
    last: date,
    now: datetime,
    *,
    lock: bool = False,
) -> list[Candidate]:
    """Every timesheet line of the client's closed orders in the period, each with its verdict.
    lock: the orders are locked first (by id, the house's order lock), so a dispute, settlement
    or correction of their lines (each locks its order) waits for the invoice, or the invoice
    for it; the lines are read after the lock."""
    start, end = local_bounds(branch.timezone, first, last)
    if lock:
        session.scalars(
            locked(
                select(Order.id).where(*_of_period(branch, client, start, end)), of=Order
            ).order_by(Order.id)
        ).all()
    rows = session.execute(
        select(Order, Site.name)
        .join(Site, Site.id == Order.site_id)
        .where(*_of_period(branch, client, start, end))
        .order_by(Order.starts_at, Order.id)
    ).all()
    orders = [order for order, _ in rows]
    sites = {order.id: site for order, site in rows}
    lines = lines_of(session, orders)
    taken: set[tuple[int, int]] = set()
    if orders:  # by the orders (the unique key's first column), not by ~500 (order, worker) ORs
        rows_taken = session.execute(
            select(InvoiceLine.order_id, InvoiceLine.worker_id).where(
                InvoiceLine.order_id.in_([o.id for o in orders])
            )
        )
        taken = {(order_id, worker_id) for order_id, worker_id in rows_taken}
    zone = ZoneInfo(branch.timezone)
    return [
        Candidate(
            order=order,
            site=sites[order.id],
            line=line,
            day=order.starts_at.astimezone(zone).date(),
            left_out=why_left_out(
                line,
                order,
                after_days=branch.invoice_after_days,
                now=now,
                invoiced=(order.id, line.worker_id) in taken,
            ),
        )
        for order in orders
        for line in lines.get(order.id, [])
    ]
