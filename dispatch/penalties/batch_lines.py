"""What a payout batch takes (dispatch/penalties/batches.py, docs/payouts.md): the period's
free lines, and the corrections of lines a batch took before.

- A free line: a payable line of the branch's orders starting on the period's local dates,
  in no batch, after the branch's paid_through, not 0.00; taken at its worker_pay (seq 0).
- A correction: a line some batch (draft or paid) took whose worker_pay is now other than
  the sum the batches took of it (the hours corrected after the batch: settled, a new
  timesheet version, a fine reversed). The next batch takes the difference (negative: the
  worker was overpaid and it nets their sum), as the next seq of that (order, worker): the
  unique (order, worker, seq) lets one batch only take it. Any batch of the branch takes the
  corrections of its orders starting up to the period's end (MAX_LOOKBACK_DAYS back),
  whatever paid_through says: the batch, not the date, recorded that line's payment.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.money import money
from dispatch.models import Branch, Order
from dispatch.penalties.batch_models import PayoutBatchLine
from dispatch.penalties.pay import MAX_LOOKBACK_DAYS, ZERO, lines_of, payable


class Take(NamedTuple):
    """A line a batch takes: an order's worker, the amount, 0 or the correction's number."""

    order_id: int
    worker_id: int
    amount: Decimal
    seq: int = 0


def _local_day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(zone))


def _taken(session: Session, order_ids: list[int]) -> dict[tuple[int, int], tuple[Decimal, int]]:
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


def _orders(
    session: Session, branch: Branch, start: datetime, end: datetime, *, batched: bool = False
) -> list[Order]:
    """The branch's payable orders starting in [start, end); batched: those a batch took."""
    query = select(Order).where(
        Order.branch_id == branch.id, Order.starts_at >= start, Order.starts_at < end, payable()
    )
    if batched:
        query = query.where(Order.id.in_(select(PayoutBatchLine.order_id)))
    return list(session.scalars(query.order_by(Order.starts_at, Order.id)))


def corrections(session: Session, branch: Branch, date_to: date) -> list[Take]:
    """The differences between the lines' worker_pay now and what the batches took of them."""
    end = _local_day_start(date_to + timedelta(days=1), branch.timezone)
    start = end - timedelta(days=MAX_LOOKBACK_DAYS)
    orders = _orders(session, branch, start, end, batched=True)
    if not orders:
        return []
    taken = _taken(session, [o.id for o in orders])
    now = {
        (order_id, line.worker_id): line.worker_pay
        for order_id, lines in lines_of(session, orders).items()
        for line in lines
    }
    return [
        Take(order_id, worker_id, now.get((order_id, worker_id), ZERO) - total, last + 1)
        for (order_id, worker_id), (total, last) in sorted(taken.items())
        if now.get((order_id, worker_id), ZERO) != total
    ]


def free_lines(session: Session, branch: Branch, date_from: date, date_to: date) -> list[Take]:
    """The period's free lines, then the corrections of lines batches took before."""
    if branch.paid_through is not None:
        date_from = max(date_from, branch.paid_through + timedelta(days=1))
    fresh: list[Take] = []
    if date_from <= date_to:
        start = _local_day_start(date_from, branch.timezone)
        end = _local_day_start(date_to + timedelta(days=1), branch.timezone)
        orders = _orders(session, branch, start, end)
        taken = _taken(session, [o.id for o in orders]) if orders else {}
        fresh = [
            Take(order_id, line.worker_id, line.worker_pay)
            for order_id, lines in lines_of(session, orders).items()
            for line in lines
            if (order_id, line.worker_id) not in taken and line.worker_pay != ZERO
        ]
    return fresh + corrections(session, branch, date_to)
