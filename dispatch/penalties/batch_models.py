"""Payout batches: the payable lines the office pays out together (dispatch/penalties/
batches.py). A line (an order, a worker) is in one batch at most, and so is each correction
of it (seq): the unique constraint on payout_batch_lines decides, so two batches made at once
never pay a line or a correction twice."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, in_check

DRAFT = "draft"
PAID = "paid"
BATCH_STATES = (DRAFT, PAID)
# How a batch was paid out: a bank transfer (the bank CSV), cash at the office, a card top-up.
METHODS = ("bank", "cash", "card")


class PayoutBatch(Base):
    """The lines of the branch's closed shifts in [date_from, date_to] that no batch held when
    it was made; total = the sum of their amounts (a debt line nets its worker's sum)."""

    __tablename__ = "payout_batches"
    __table_args__ = (
        in_check("status", BATCH_STATES),
        in_check("method", METHODS),
        CheckConstraint("date_to >= date_from", name="period"),
        # Paid: when, how and by whom, all three; a draft has none of them.
        CheckConstraint(
            "(status = 'paid') = (paid_at IS NOT NULL) AND (paid_at IS NULL) = (method IS NULL) "
            "AND (paid_at IS NULL) = (paid_by_name IS NULL)",
            name="paid",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    date_from: Mapped[date] = mapped_column(Date, nullable=False)
    date_to: Mapped[date] = mapped_column(Date, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    status: Mapped[str] = mapped_column(String(8), nullable=False, server_default=DRAFT)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_name: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    method: Mapped[str | None] = mapped_column(String(8))
    paid_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_by_name: Mapped[str | None] = mapped_column(String(200))


class PayoutBatchLine(Base):
    """One line of a timesheet (an order, a worker) in a batch, at its worker_pay then (seq
    0); or a correction of it (seq 1, 2...): its worker_pay now less what the batches before
    took, when the hours were corrected after a batch took the line."""

    __tablename__ = "payout_batch_lines"
    __table_args__ = (
        # A line, and each correction of it, is paid in one batch at most: the database decides.
        UniqueConstraint(
            "order_id", "worker_id", "seq", name="uq_payout_batch_lines_order_worker_seq"
        ),
        Index("ix_payout_batch_lines_worker_id", "worker_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("payout_batches.id", ondelete="CASCADE"), nullable=False, index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
