"""Invoices to clients and the timesheet lines on them: each (order, worker) line once. The
line table lives beside the sign-offs (dispatch/client_models.py) so the dispute and hours
paths, below billing, can see that a line is invoiced."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped
from dispatch.client_models import InvoiceLine as InvoiceLine


class Invoice(Timestamped, Base):
    """One client's invoice for the lines of a period; numbered per branch and year."""

    __tablename__ = "invoices"
    __table_args__ = (
        # The number's sequence: the branch row is locked while the next one is taken.
        UniqueConstraint("branch_id", "year", "seq", name="uq_invoices_branch_year_seq"),
        CheckConstraint("period_from <= period_to", name="period"),
        CheckConstraint("total = net + vat", name="total"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), nullable=False, index=True)
    number: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)  # the branch's local date
    period_from: Mapped[date] = mapped_column(Date, nullable=False)
    period_to: Mapped[date] = mapped_column(Date, nullable=False)
    net: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    vat_rate: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))  # None: without VAT
    vat: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The legal and bank details as they were when the invoice was made (service.SELLER,
    # service.BUYER): the documents show these, never the rows' later edits.
    seller: Mapped[dict[str, str | None]] = mapped_column(JSONB, nullable=False)
    buyer: Mapped[dict[str, str | None]] = mapped_column(JSONB, nullable=False)
