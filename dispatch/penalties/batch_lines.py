"""What a payout batch takes (dispatch/penalties/batches.py, docs/payouts.md): the period's
free lines, and the corrections of lines a batch took (or left out) before.

- A free line: a payable line of the branch's orders starting on the period's local dates,
  in no batch, after the branch's paid_through, not 0.00; taken at its worker_pay (seq 0).
- A correction: a line of an order a batch took lines of, or whose local date a batch's
  period covered, whose worker_pay is now other than the sum the batches took of it (the
  hours corrected after the batch: settled, a new timesheet version, a fine reversed, a
  no-show corrected to arrived, a worker added). The next batch takes the difference
  (negative: the worker was overpaid and it nets their sum), as the next seq of that (order,
  worker), or seq 0 for a line no batch took (left out at 0.00, or new): the unique (order,
  worker, seq) lets one batch only take it. A line no batch took counts after paid_through
  only, as pay.owed counts it. Any batch of the branch takes the corrections of its orders
  that a PAY answer counts now (pay.open_since), whatever the period or paid_through says:
  the batch, not the date, recorded that line's payment.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.money import money
from dispatch.models import Branch, Order
from dispatch.penalties.batch_models import PayoutBatch, PayoutBatchLine
from dispatch.penalties.pay import ZERO, lines_of, open_since, payable


class Take(NamedTuple):
    """A line a batch takes: an order's worker, the amount, 0 or the correction's number."""

    order_id: int
    worker_id: int
    amount: Decimal
    seq: int = 0


Key = tuple[int, int]  # (order, worker): a line


def _local_day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone))


def _taken(session: Session, order_ids: list[int]) -> dict[Key, tuple[Decimal, int]]:
    """Per (order, worker) in a batch: the sum the batches took, and the last seq."""
    rows = session.execute(
        select(
            PayoutBatchLine.order_id,
            PayoutBatchLine.worker_id,
            func.sum(PayoutBatchLine.amount),
            func.max(PayoutBatchLine.seq),
        )
        .where(PayoutBatchLine.order_id.in_(order_ids))
        .group_by(PayoutBatchLine.order_id, PayoutBatchLine.worker_id)
    )
    return {(o, w): (money(total), last) for o, w, total, last in rows}


def _orders(session: Session, branch: Branch, start: datetime, end: datetime) -> list[Order]:
    """The branch's payable orders starting in [start, end)."""
    return list(
        session.scalars(
            select(Order)
            .where(
                Order.branch_id == branch.id,
                Order.starts_at >= start,
                Order.starts_at < end,
                payable(),
            )
            .order_by(Order.starts_at, Order.id)
        )
    )


def _batched_orders(session: Session, branch: Branch, now: datetime) -> list[Order]:
    """The branch's payable orders open at now that a batch took lines of, or whose local
    date a batch's period covered (a line it left out at 0.00 is due once corrected)."""
    day = func.date(func.timezone(branch.timezone, Order.starts_at))
    covered = (
        select(PayoutBatch.id)
        .where(
            PayoutBatch.branch_id == branch.id,
            PayoutBatch.date_from <= day,
            PayoutBatch.date_to >= day,
        )
        .exists()
    )
    query = select(Order).where(
        Order.branch_id == branch.id,
        Order.starts_at >= open_since(now),
        Order.starts_at < now,
        payable(),
        Order.id.in_(select(PayoutBatchLine.order_id)) | covered,
    )
    return list(session.scalars(query.order_by(Order.starts_at, Order.id)))


def corrections(session: Session, branch: Branch, now: datetime) -> dict[Key, Take]:
    """Per (order, worker): the difference between the line's worker_pay now and what the
    batches took of it, over the lines of now and the lines taken."""
    orders = _batched_orders(session, branch, now)
    if not orders:
        return {}
    zone = ZoneInfo(branch.timezone)
    unpaid = {
        o.id
        for o in orders
        if branch.paid_through is None or o.starts_at.astimezone(zone).date() > branch.paid_through
    }
    taken = _taken(session, [o.id for o in orders])
    now_pay = {
        (order_id, line.worker_id): line.worker_pay
        for order_id, lines in lines_of(session, orders).items()
        for line in lines
    }
    found: dict[Key, Take] = {}
    for key in sorted(now_pay.keys() | taken.keys()):
        total, last = taken.get(key, (ZERO, -1))
        if key not in taken and key[0] not in unpaid:
            continue  # never batched, paid the old way (paid_through)
        diff = now_pay.get(key, ZERO) - total
        if diff != ZERO:
            found[key] = Take(key[0], key[1], diff, last + 1)
    return found


def free_lines(
    session: Session, branch: Branch, date_from: date, date_to: date, now: datetime
) -> list[Take]:
    """The period's free lines, then the corrections of lines batches took (or left out)
    before; one Take per (order, worker)."""
    if branch.paid_through is not None:
        date_from = max(date_from, branch.paid_through + timedelta(days=1))
    fresh: dict[Key, Take] = {}
    if date_from <= date_to:
        start = _local_day_start(date_from, branch.timezone)
        end = _local_day_start(date_to + timedelta(days=1), branch.timezone)
        orders = _orders(session, branch, start, end)
        taken = _taken(session, [o.id for o in orders]) if orders else {}
        fresh = {
            (order_id, line.worker_id): Take(order_id, line.worker_id, line.worker_pay)
            for order_id, lines in lines_of(session, orders).items()
            for line in lines
            if (order_id, line.worker_id) not in taken and line.worker_pay != ZERO
        }
    # A line of a covered period's order may be both fresh and due: taken once, as fresh.
    later = corrections(session, branch, now)
    return list(fresh.values()) + [take for key, take in later.items() if key not in fresh]
