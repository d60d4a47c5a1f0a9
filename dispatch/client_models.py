"""The client side's tables: the workers it blocked or asked for again, the rates agreed with
a client, its API keys, its sign-off of timesheets, the events of its orders with the webhooks
they go out by, and its rating of a crew by SMS. Beside dispatch/models.py (the office's
tables), which it points at."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from core.models import Base, Timestamped, in_check
from dispatch.enums import LINE_STATES, LineState


class ClientBlock(Base):
    """A client who never wants this worker again: the matcher skips them for that client."""

    __tablename__ = "client_blocks"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class ClientFavourite(Base):
    """A worker the client asked for again: offered first when eligible (orders/crew.py);
    never also on the client's block list (registry/clients.py)."""

    __tablename__ = "client_favourites"

    # The key is the pair: one favourite per worker and client, settled by the database.
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True, index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class BranchHours:
    """A branch's hours knobs (dispatch/registry/knobs.py, dispatch/hours/policy.py), mixed
    into Branch: how the client's bill rounds each line's worked time, and whether a recorded
    break is paid."""

    # its CHECK (one of knobs.py's choices) is with Branch's own
    billing_rounding: Mapped[str] = mapped_column(
        String(8), nullable=False, server_default="minute"
    )
    break_paid: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default=text("false"))


# The checks the card's rows and a client's agreed rows share (names made per table).
TERMS_CHECKS = {
    "surcharges": "night_pct BETWEEN 0 AND 300 AND holiday_pct BETWEEN 0 AND 300",
    "min_hours": "min_hours BETWEEN 0 AND 24",
}
RATE_SOURCES = ("card", "client", "manual")  # where an order's rates came from


class RateSnapshot:
    """An order's snapshot of its rates' terms and their source (mixed into Order; here, below
    every stage, as dispatch/models.py imports it)."""

    rate_source: Mapped[str] = mapped_column(String(6), nullable=False, server_default="manual")


class SurchargeTerms:
    """night_pct, holiday_pct, min_hours: mixed into a card row, a client's agreed row and an
    order (its snapshot); the CHECKs are with each table's own."""

    night_pct: Mapped[int] = mapped_column(SmallInteger, nullable=False, server_default="0")
    holiday_pct: Mapped[int] = mapped_column(SmallInteger, nullable=False, server_default="0")
    min_hours: Mapped[Decimal] = mapped_column(Numeric(4, 2), nullable=False, server_default="0")


class ClientRate(SurchargeTerms, Timestamped, Base):  # agreed per skill: the card's client rows
    __tablename__ = "client_rates"
    __table_args__ = (
        CheckConstraint("client_rate >= 0 AND worker_rate >= 0", name="rates"),
        *(CheckConstraint(check, name=name) for name, check in TERMS_CHECKS.items()),
    )

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(40), primary_key=True)
    client_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    worker_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)


class ClientApiKey(Timestamped, Base):  # X-API-Key: kept as its SHA-256 and a short prefix
    __tablename__ = "client_api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TimesheetSignoff(Base):
    """The client's word on one line (worker) of a closed order's timesheet, kept by
    dispatch/shift/signoff.py: approved, or disputed until settled. No row: pending."""

    __tablename__ = "timesheet_signoffs"
    __table_args__ = (
        in_check("state", [s for s in LINE_STATES if s != LineState.PENDING]),
        CheckConstraint("settled_hours BETWEEN 0 AND 24", name="settled_hours"),
        # The branch's queue: the open disputes.
        Index("ix_timesheet_signoffs_open", "branch_id", postgresql_where=text("state='disputed'")),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)  # the dispute's
    disputed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    disputed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    settle_note: Mapped[str | None] = mapped_column(Text)
    settled_hours: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # agreed, if changed
    settled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


INVOICE_LINE_KEY = "uq_invoice_lines_order_worker"  # the one violation that means "taken"


class InvoiceLine(Base):
    """A timesheet line (an order's worker) invoiced (dispatch/billing/): the unique key keeps
    it on one invoice; once invoiced the line is neither disputed, settled nor re-timed."""

    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("order_id", "worker_id", name=INVOICE_LINE_KEY),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    worker_id: Mapped[int] = mapped_column(ForeignKey("workers.id"), nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)  # billed hours
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)  # client amount


# The events a client's systems may subscribe to (docs/webhooks.md), each at most once per order.
CLIENT_EVENTS = (
    "order.filled",
    "order.short",
    "order.cancelled",
    "shift.started",
    "shift.closed",
    "timesheet.ready",
)


class ClientEvent(Base):
    """Something that happened to a client's order, written in the transaction that made it
    happen (dispatch/hooks/events.py): the outbox the webhook deliveries and the client's texts
    are made from. The id is the event id the client deduplicates by."""

    __tablename__ = "client_events"
    __table_args__ = (
        in_check("type", CLIENT_EVENTS),
        # Once per order: a second "filled" after a drop-out and a refill is not news.
        UniqueConstraint("order_id", "type", name="uq_client_events_order_type"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), nullable=False, index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False)
    type: Mapped[str] = mapped_column(String(24), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, nullable=False)


class WebhookSubscription(Timestamped, Base):
    """A client's system asking to be told of some events at a URL, signed with the secret.

    The secret is kept as given (it must sign every delivery); it is shown once, at creation.
    failing_since: the first failed attempt since the last success; 24 h of that and the
    subscription is switched off (disabled_at). deleted_at: removed by the client or office."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), nullable=False, index=True)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    events: Mapped[list[str]] = mapped_column(ARRAY(String(24)), nullable=False)
    secret: Mapped[str] = mapped_column(String(80), nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(Base):
    """One event to one subscription, sent until the receiver answers 2xx (dispatch/hooks/
    delivery.py): the delivery log the client reads. next_attempt_at is empty once delivered
    or given up; claimed_at marks a send in flight (no transaction is open during it)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", name="uq_webhook_deliveries_event_id"),
        # The reconciler's work list: deliveries due again.
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("next_attempt_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("client_events.id"), nullable=False, index=True
    )
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id"), nullable=False, index=True
    )
    attempts: Mapped[int] = mapped_column(
        Integer, nullable=False, default=0, server_default=text("0")
    )
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )


class QualityReview(Base):
    """The client's rating of one order's crew, asked by SMS after the close
    (dispatch/quality/): the row is written when the question is queued (one per order, the
    unique key settles it), the score and comment when the contact answers; a score of 1 or 2
    opens a case the dispatcher closes with a note."""

    __tablename__ = "quality_reviews"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        CheckConstraint("case_closed_at IS NULL OR case_opened_at IS NOT NULL", name="case"),
        # An inbound text's question: the newest asked of that number.
        Index("ix_quality_reviews_phone", "phone", "asked_at"),
        Index(
            "ix_quality_reviews_open_cases",
            "branch_id",
            postgresql_where=text("case_opened_at IS NOT NULL AND case_closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), nullable=False, unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), nullable=False)
    phone: Mapped[str] = mapped_column(String(20), nullable=False)  # the contact asked, E.164
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    ask_message_id: Mapped[int | None] = mapped_column(Integer)
    reasked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    case_closed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    case_note: Mapped[str | None] = mapped_column(Text)
