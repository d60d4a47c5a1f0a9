"""The penalty ledger (append-only) and reviews of a worker's shifts."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, in_check, message_link
from rating.policy import COMPLAINT_REASONS, LEDGER_KINDS, REVIEW_SOURCES


class PenaltyEvent(Base):
    """One entry of the ledger. Never deleted or edited, except that a reversal stamps
    reversed_at on the entry it cancels (and is itself an entry with reverses_id and its
    entry's occurred_at). Partitioned by month of occurred_at (migration 0063,
    core/partitions.py LEDGER): the key is (id, occurred_at), and a trigger, not a foreign
    key, checks that (reverses_id, occurred_at) is an entry (a key into a month would stop
    the month from ever being dropped)."""

    __tablename__ = "penalty_events"
    __table_args__ = (
        CheckConstraint(f"kind IN {(*LEDGER_KINDS, 'reversal')}", name="kind"),
        CheckConstraint("points >= 0 AND fine >= 0 AND payout >= 0", name="amounts"),
        CheckConstraint("(kind = 'reversal') = (reverses_id IS NOT NULL)", name="reversal"),
        # One reversal per entry: reversing twice is settled by the database (a reversal has
        # its entry's occurred_at, which the trigger holds it to).
        UniqueConstraint("reverses_id", "occurred_at", name="uq_penalty_events_reverses_id"),
        Index("ix_penalty_events_worker", "worker_id", "occurred_at"),
        Index("ix_penalty_events_order", "order_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), nullable=False)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    points: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    fine: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, server_default="0")
    payout: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, server_default="0")
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    # When it happened (the shift's start for attendance; the moment for a cancellation).
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), primary_key=True, nullable=False
    )
    automatic: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    # The rule's reason as a stable code and its figures (rating/reasons.py); None when a
    # person typed the reason. The console words it by the code, never from `reason`.
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_args: Mapped[dict[str, str | int | float]] = mapped_column(
        JSONB, nullable=False, server_default=text("'{}'::jsonb"), default=dict
    )
    reverses_id: Mapped[int | None] = mapped_column(Integer)  # the trigger checks it
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class Review(Base):
    """Stars from the foreman or the client for one worker's shift; one per worker per order."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),
        in_check("complaint_reason", COMPLAINT_REASONS),
        in_check("source", REVIEW_SOURCES),
        # One review per worker per order from each side: the foreman's and the client's.
        UniqueConstraint("order_id", "worker_id", "source", name="uq_reviews_order_worker_source"),
        Index("ix_reviews_worker", "worker_id"),
        # The ledger's key carries the month (partitioned): both or neither.
        ForeignKeyConstraint(
            ["penalty_id", "penalty_at"],
            ["penalty_events.id", "penalty_events.occurred_at"],
            name="fk_reviews_penalty_id_penalty_events",
        ),
        CheckConstraint("(penalty_id IS NULL) = (penalty_at IS NULL)", name="penalty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), nullable=False)
    stars: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    complaint: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))
    comment: Mapped[str | None] = mapped_column(Text)
    complaint_reason: Mapped[str | None] = mapped_column(String(24))  # COMPLAINT_REASONS
    # Whose review (REVIEW_SOURCES): the foreman's or the client's; both count alike.
    source: Mapped[str] = mapped_column(String(8), nullable=False, server_default="foreman")
    # The complaint's ledger entry: reversing it also takes these stars out of the average.
    penalty_id: Mapped[int | None] = mapped_column(Integer)
    penalty_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its month
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


DISPUTE_STATUSES = ("open", "reversed", "upheld", "auto_reversed")


class PenaltyDispute(Base):
    """A worker's case against one ledger entry, opened by SMS (СПОР <code>), decided by the
    deciding branch's office (reversed or upheld with a reason) or reversed by the sweep at
    deadline_at (dispatch/penalties/disputes.py). One open case per entry (the index)."""

    __tablename__ = "penalty_disputes"
    __table_args__ = (
        in_check("status", DISPUTE_STATUSES),
        CheckConstraint("(status = 'open') = (decided_at IS NULL)", name="decided"),
        *message_link("message_id", "message_at"),
        Index(
            "uq_penalty_disputes_open",
            "penalty_id",
            unique=True,
            postgresql_where=text("status = 'open'"),
        ),
        # The sweep's look for open cases past their deadline and the queue, oldest first.
        Index("ix_penalty_disputes_open", "deadline_at", postgresql_where=text("status = 'open'")),
        Index("ix_penalty_disputes_worker", "worker_id"),
        ForeignKeyConstraint(
            ["penalty_id", "penalty_at"],
            ["penalty_events.id", "penalty_events.occurred_at"],
            name="fk_penalty_disputes_penalty_id_penalty_events",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), nullable=False)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    penalty_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # The entry's occurred_at: the ledger's key carries its month (partitioned).
    penalty_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    # The branch that answers for the entry (dispatch/penalties/record.py deciding_branch).
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False, index=True)
    words: Mapped[str | None] = mapped_column(Text)  # the worker's own, after the code
    message_id: Mapped[int | None] = mapped_column(Integer)
    message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its created_at
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, server_default="open")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome_reason: Mapped[str | None] = mapped_column(Text)
