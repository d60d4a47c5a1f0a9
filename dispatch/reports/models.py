"""The rollups the reports read (never the raw orders): kept by a job per (branch, day in
branch time), each recomputed whole by DELETE + INSERT (dispatch/reports/rollup.py)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base
from dispatch.models import Offer, Order
from rating.models import PenaltyEvent

MONEY = Numeric(14, 2)


class Figures:
    """The figures of a rollup row (a cell, or a whole branch-day)."""

    orders: Mapped[int] = mapped_column(Integer, nullable=False)  # not cancelled
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    booked_by_start: Mapped[int] = mapped_column(Integer, nullable=False)  # capped per order
    filled_orders: Mapped[int] = mapped_column(Integer, nullable=False)
    fill_minutes: Mapped[int] = mapped_column(BigInteger, nullable=False)  # placed -> full
    fill_count: Mapped[int] = mapped_column(Integer, nullable=False)
    booked: Mapped[int] = mapped_column(Integer, nullable=False)  # booked at the start, uncapped
    no_shows: Mapped[int] = mapped_column(Integer, nullable=False)
    lates: Mapped[int] = mapped_column(Integer, nullable=False)
    arrived: Mapped[int] = mapped_column(Integer, nullable=False)
    cancelled_client: Mapped[int] = mapped_column(Integer, nullable=False)
    cancelled_office: Mapped[int] = mapped_column(Integer, nullable=False)
    worker_late_cancels: Mapped[int] = mapped_column(Integer, nullable=False)
    revenue: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    worker_pay: Mapped[Decimal] = mapped_column(MONEY, nullable=False)
    margin: Mapped[Decimal] = mapped_column(MONEY, nullable=False)


class ReportDay(Figures, Base):
    """One cell of a branch's day: orders by client, site, skill and start hour (local)."""

    __tablename__ = "report_days"
    __table_args__ = (Index("ix_report_days_branch_day", "branch_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    branch_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    skill: Mapped[str] = mapped_column(String(40), primary_key=True)
    start_hour: Mapped[int] = mapped_column(SmallInteger, primary_key=True)


class ReportBranchDay(Figures, Base):
    """A branch's whole day (the sum of its cells): what the totals, the period before and
    the groupings by branch, day, weekday and month read (a year of a network in few rows)."""

    __tablename__ = "report_branch_days"
    __table_args__ = (Index("ix_report_branch_days_branch_day", "branch_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    branch_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class ReportWorkerDay(Base):
    """A worker's shifts on a branch's day (summed by month for the top and bottom lists)."""

    __tablename__ = "report_worker_days"
    __table_args__ = (Index("ix_report_worker_days_branch_day", "branch_id", "day"),)

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    branch_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shifts: Mapped[int] = mapped_column(Integer, nullable=False)  # booked at the start
    no_shows: Mapped[int] = mapped_column(Integer, nullable=False)
    lates: Mapped[int] = mapped_column(Integer, nullable=False)


class ReportCalibration(Base):
    """An order at its start: the predicted fill probability and whether it filled."""

    __tablename__ = "report_calibration"
    __table_args__ = (Index("ix_report_calibration_branch_day", "branch_id", "day"),)

    order_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    branch_id: Mapped[int] = mapped_column(Integer, nullable=False)
    predicted: Mapped[float] = mapped_column(Float, nullable=False)
    bucket: Mapped[int] = mapped_column(SmallInteger, nullable=False)  # tenths: 0..9
    filled: Mapped[bool] = mapped_column(Boolean, nullable=False)  # arrived >= headcount


class ReportWatermark(Base):
    """Where the job's last run looked from: changes after it mark their days touched."""

    __tablename__ = "report_watermarks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )


# The refresh job's look-ups of the rows written since its watermark (keeping.py touched), one
# index a source (migration 0061); on other packages' tables, declared beside the rollups they
# serve so those tables' models stay as they were.
Index("ix_orders_updated_at", Order.updated_at)
Index("ix_offers_updated_at", Offer.updated_at)
Index("ix_penalty_events_created_at", PenaltyEvent.created_at)
