"""Payout batches (docs/payouts.md): the office takes the branch's payable lines of a period
that no batch holds yet, pays them out (a bank transfer from the bank CSV, cash, a card) and
marks the batch paid.

- A batch takes every line (an order, a worker: dispatch/penalties/pay.py line_of) of the
  branch's closed or cancelled orders (pay.payable) starting on the period's local dates,
  both included, that is in no batch yet and after the branch's paid_through (paid the old
  way), at its worker_pay then. A line of nothing (0.00) is
  left out. A debt line (a fine exceeding the pay: negative) is carried in and nets its
  worker's sum: the firm does not pay a worker and keep the debt for later.
- A line is in one batch at most. A batch is made under the branch row's lock (as
  pay.set_paid_through moves paid_through under it): two batches made at once, or a batch
  and a new paid_through, are one after the other, the later reading what the first wrote
  (it takes what is left, or nothing: 422). The unique constraint on (order, worker, seq)
  stays behind the lock (409).
- A line whose pay changed after a batch took it (or left it out at 0.00) is corrected by
  the next batch: the difference, as a numbered correction line
  (dispatch/penalties/batch_lines.py).
- Marked paid once (when, how, by whom); a draft may be deleted, its lines freed.
- Once a batch is paid, its lines are paid: a worker's PAY answer (pay.owed) counts of them
  only what a later correction would (worker_pay now less what paid batches paid), whatever
  the branch's paid_through says; paid_through keeps its own rule beside it.
- Workers' names and phones are shown as dispatch/access/privacy.py allows, every read
  audited (show_workers), as the payouts report does.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from psycopg.errors import UniqueViolation
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import audit
from core.csvsafe import Phrase, Table
from core.db import locked
from core.errors import InvalidInput
from core.money import money
from core.tenancy import Actor
from dispatch.access.privacy import show_workers
from dispatch.enums import OFFICE, OFFICE_READERS
from dispatch.models import Branch
from dispatch.penalties.batch_lines import Take, free_lines
from dispatch.penalties.batch_models import DRAFT, METHODS, PAID, PayoutBatch, PayoutBatchLine
from dispatch.penalties.errors import (
    NothingToPay,
    PayoutBatchAlreadyPaid,
    PayoutBatchNotFound,
    PayoutLinesTaken,
    PayoutsOfficeOnly,
)
from dispatch.penalties.pay import ZERO
from dispatch.registry.errors import BranchNotFound

MAX_PERIOD_DAYS = 366
# The bank transfer's purpose (назначение платежа), in the reader's words: "Оплата работ за
# период 01.12.2026-07.12.2026" in the file a Russian reader downloads for the bank.
PURPOSE = "payout_purpose"


@dataclass(frozen=True)
class WorkerSum:
    """A worker's part of a batch: their lines and their (net) sum."""

    worker_id: int
    full_name: str | None  # None: a worker the reader may not see
    phone: str | None  # masked to a branch that only engaged the worker
    lines: int
    amount: Decimal


@dataclass(frozen=True)
class BatchView:
    """A batch (or, with batch None, the preview of one) as one reader sees it."""

    batch: PayoutBatch | None
    branch_id: int
    currency: str
    date_from: date
    date_to: date
    workers: list[WorkerSum]  # by name
    total: Decimal


# -- who and what -----------------------------------------------------------------------------


def _office_branch(
    session: Session, actor: Actor, branch_id: int, *, read: bool = False, lock: bool = False
) -> Branch:
    """read: the office's, and an owner's of their branches (issue 21); else the office's.
    lock: its row locked (a batch being made, see make_batch)."""
    if actor.role not in (OFFICE_READERS if read else OFFICE):
        raise PayoutsOfficeOnly()
    if not actor.sees_branch(branch_id):
        raise BranchNotFound(branch_id)
    query = select(Branch).where(Branch.id == branch_id)
    branch = session.scalars(locked(query) if lock else query).one_or_none()
    if branch is None:
        raise BranchNotFound(branch_id)
    return branch


def get_batch(
    session: Session, batch_id: int, actor: Actor, *, lock: bool = False, read: bool = False
) -> PayoutBatch:
    """The batch, for the office of its branch, read: an owner's too (another's: not found)."""
    if actor.role not in (OFFICE_READERS if read else OFFICE):
        raise PayoutsOfficeOnly()
    query = select(PayoutBatch).where(PayoutBatch.id == batch_id)
    batch = session.scalars(locked(query) if lock else query).one_or_none()
    if batch is None or not actor.sees_branch(batch.branch_id):
        raise PayoutBatchNotFound(batch_id)
    return batch


def check_period(date_from: date, date_to: date, location: str = "body") -> None:
    if date_to < date_from:
        raise InvalidInput("to", "is before from", location=location)
    if date_to >= date.max:
        raise InvalidInput("to", f"must be before {date.max}", location=location)
    if (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            "to", f"a batch covers at most {MAX_PERIOD_DAYS} days", location=location
        )


def _view(
    session: Session,
    actor: Actor,
    *,
    branch: Branch,
    batch: PayoutBatch | None,
    period: tuple[date, date],
    lines: Sequence[Take],
) -> BatchView:
    per_worker: dict[int, list[Decimal]] = {}
    for line in lines:
        per_worker.setdefault(line.worker_id, []).append(line.amount)
    shown = show_workers(
        session,
        actor=actor,
        worker_ids=list(per_worker),
        via="payout_batch",
        branch_id=branch.id,
        batch_id=batch.id if batch is not None else None,
        date_from=period[0].isoformat(),
        date_to=period[1].isoformat(),
    )
    workers = [
        WorkerSum(
            worker_id=worker_id,
            full_name=shown[worker_id].name if worker_id in shown else None,
            phone=shown[worker_id].phone if worker_id in shown else None,
            lines=len(amounts),
            amount=money(sum(amounts, ZERO)),
        )
        for worker_id, amounts in per_worker.items()
    ]
    workers.sort(key=lambda w: (w.full_name or "", w.worker_id))
    return BatchView(
        batch=batch,
        branch_id=branch.id,
        currency=batch.currency if batch is not None else branch.currency,
        date_from=period[0],
        date_to=period[1],
        workers=workers,
        total=money(sum((w.amount for w in workers), ZERO)),
    )


# -- the use-cases ----------------------------------------------------------------------------


def preview(
    session: Session,
    branch_id: int,
    *,
    actor: Actor,
    date_from: date,
    date_to: date,
    now: datetime,
) -> BatchView:
    """What a batch of the period would take now (nothing written but the read's audit)."""
    branch = _office_branch(session, actor, branch_id, read=True)
    check_period(date_from, date_to, "query")
    lines = free_lines(session, branch, date_from, date_to, now)
    return _view(
        session, actor, branch=branch, batch=None, period=(date_from, date_to), lines=lines
    )


def make_batch(
    session: Session,
    branch_id: int,
    *,
    actor: Actor,
    date_from: date,
    date_to: date,
    now: datetime,
) -> PayoutBatch:
    """A draft batch of the period's free lines (audited). Nothing to pay: 422, nothing
    written. The branch row is locked first: batches of a branch, and its paid_through
    (pay.set_paid_through), are made one after the other, each reading the last one's
    lines and date; the unique index stays behind it (409, PayoutLinesTaken)."""
    branch = _office_branch(session, actor, branch_id, lock=True)
    check_period(date_from, date_to)
    lines = free_lines(session, branch, date_from, date_to, now)
    if not lines:
        raise NothingToPay("to", "no payable line of the period is left outside a batch")
    batch = PayoutBatch(
        branch_id=branch.id,
        date_from=date_from,
        date_to=date_to,
        currency=branch.currency,
        total=money(sum((line.amount for line in lines), ZERO)),
        status=DRAFT,
        created_by_user_id=actor.user_id,
        created_by_name=actor.name,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(batch)
            session.flush()
            session.add_all(PayoutBatchLine(batch_id=batch.id, **line._asdict()) for line in lines)
            session.flush()
    except IntegrityError as exc:
        if isinstance(exc.orig, UniqueViolation):
            raise PayoutLinesTaken() from exc
        raise
    audit.log(
        session,
        actor,
        "payout_batch.create",
        "payout_batch",
        [batch.id],
        branch.id,
        date_from=date_from.isoformat(),
        date_to=date_to.isoformat(),
        lines=len(lines),
        total=f"{batch.total:f}",
    )
    return batch


def mark_paid(
    session: Session,
    batch_id: int,
    *,
    actor: Actor,
    paid_at: datetime,
    method: str,
    now: datetime,
) -> PayoutBatch:
    """Record that the batch was paid out: when (not in the future), how, by whom; once."""
    if method not in METHODS:
        raise InvalidInput("method", f"must be one of {', '.join(METHODS)}")
    if paid_at.tzinfo is None:
        raise InvalidInput("paid_at", "needs a UTC offset")
    if paid_at > now:
        raise InvalidInput("paid_at", "is in the future: a batch is marked paid once paid")
    batch = get_batch(session, batch_id, actor, lock=True)
    if batch.status == PAID:
        raise PayoutBatchAlreadyPaid(batch.id)
    batch.status = PAID
    batch.paid_at = paid_at
    batch.method = method
    batch.paid_by_user_id = actor.user_id
    batch.paid_by_name = actor.name
    session.flush()
    audit.log(
        session,
        actor,
        "payout_batch.paid",
        "payout_batch",
        [batch.id],
        batch.branch_id,
        paid_at=paid_at.isoformat(),
        method=method,
        total=f"{batch.total:f}",
    )
    return batch


def delete_batch(session: Session, batch_id: int, *, actor: Actor) -> None:
    """A draft batch deleted, its lines freed for another (audited); a paid one stays."""
    batch = get_batch(session, batch_id, actor, lock=True)
    if batch.status == PAID:
        raise PayoutBatchAlreadyPaid(batch.id)
    audit.log(
        session,
        actor,
        "payout_batch.delete",
        "payout_batch",
        [batch.id],
        batch.branch_id,
        date_from=batch.date_from.isoformat(),
        date_to=batch.date_to.isoformat(),
        total=f"{batch.total:f}",
    )
    session.delete(batch)  # its lines go with it (ON DELETE CASCADE)
    session.flush()


def batch_view(session: Session, batch_id: int, *, actor: Actor) -> BatchView:
    """The batch with its workers' sums (the read audited with the workers shown)."""
    batch = get_batch(session, batch_id, actor, read=True)
    lines = [
        Take(*row)
        for row in session.execute(
            select(
                PayoutBatchLine.order_id,
                PayoutBatchLine.worker_id,
                PayoutBatchLine.amount,
                PayoutBatchLine.seq,
            )
            .where(PayoutBatchLine.batch_id == batch.id)
            .order_by(PayoutBatchLine.id)
        )
    ]
    return _view(
        session,
        actor,
        branch=session.get_one(Branch, batch.branch_id),
        batch=batch,
        period=(batch.date_from, batch.date_to),
        lines=lines,
    )


def batches_of(session: Session, branch_id: int, *, actor: Actor) -> list[PayoutBatch]:
    """The branch's batches, the newest first (no worker in them: nothing to audit)."""
    branch = _office_branch(session, actor, branch_id, read=True)
    return list(
        session.scalars(
            select(PayoutBatch)
            .where(PayoutBatch.branch_id == branch.id)
            .order_by(PayoutBatch.created_at.desc(), PayoutBatch.id.desc())
        )
    )


def bank_table(view: BatchView) -> Table:
    """The bank's CSV: a row per worker, the name and phone as the reader may see them."""
    purpose = Phrase(PURPOSE, date_from=view.date_from, date_to=view.date_to)
    rows: list[list[object]] = [
        [w.full_name, w.phone, w.amount, view.currency, purpose] for w in view.workers
    ]
    return Table(["full_name", "phone", "amount", "currency", "purpose"], rows, "UTC")


# -- the worker's side ------------------------------------------------------------------------


@dataclass(frozen=True)
class LastPaid:
    """The worker's latest paid batch: their (net) sum in it, when (the batch branch's date)
    and how."""

    amount: Decimal
    currency: str
    paid_on: date
    method: str


def last_paid(session: Session, worker_id: int) -> LastPaid | None:
    """The newest paid batch that paid the worker something (a net debt pays nothing)."""
    amount = func.sum(PayoutBatchLine.amount)
    row = session.execute(
        select(PayoutBatch, Branch.timezone, amount)
        .join(PayoutBatchLine, PayoutBatchLine.batch_id == PayoutBatch.id)
        .join(Branch, Branch.id == PayoutBatch.branch_id)
        .where(PayoutBatchLine.worker_id == worker_id, PayoutBatch.status == PAID)
        .group_by(PayoutBatch.id, Branch.timezone)
        .having(amount > 0)
        .order_by(PayoutBatch.paid_at.desc(), PayoutBatch.id.desc())
        .limit(1)
    ).one_or_none()
    if row is None:
        return None
    batch, zone, total = row
    assert batch.paid_at is not None and batch.method is not None  # ck_payout_batches_paid
    return LastPaid(
        amount=money(total),
        currency=batch.currency,
        paid_on=batch.paid_at.astimezone(ZoneInfo(zone)).date(),
        method=batch.method,
    )
