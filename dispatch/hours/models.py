"""The timesheet's versions: every record of hours (break, overtime, early end) and every
correction after the close is a new row, never an overwrite (docs/hours.md)."""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base


class TimesheetVersion(Base):
    """One version of an order's hours: the inputs as they stand after it (each version
    carries them all, so the latest alone is the sheet), who recorded it, why and when."""

    __tablename__ = "timesheet_versions"
    __table_args__ = (
        # Two records at once cannot take one number: the database settles it.
        UniqueConstraint("order_id", "version", name="uq_timesheet_versions_order_version"),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("break_min BETWEEN 0 AND 600", name="break_min"),
        CheckConstraint(
            "(overtime_until IS NULL) = (overtime_approved_by IS NULL)", name="overtime_approved"
        ),
        CheckConstraint("overtime_until IS NULL OR ended_at IS NULL", name="one_end"),
        CheckConstraint("NOT after_close OR reason IS NOT NULL", name="reason_after_close"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    break_min: Mapped[int] = mapped_column(Integer, nullable=False)
    overtime_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overtime_approved_by: Mapped[str | None] = mapped_column(String(120))
    overtime_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    after_close: Mapped[bool] = mapped_column(Boolean, nullable=False)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by_name: Mapped[str] = mapped_column(String(200), nullable=False)
    by_role: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
